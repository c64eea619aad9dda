/**
 * Reads histories in the forms found in the shared corpus and produced by our own harness:
 * - EDN: a vector or list of op maps, or one op map per line (Jepsen, Knossos, Elle);
 * - JSON: an array of op objects (elle-cli), or JSON lines (one object per line);
 * - Jepsen's log lines as kept by porcupine (`INFO  jepsen.util - 3\t:ok\t:read\t2`).
 * Every reader returns `normalizeHistory`'d ops (dense `index` = position).
 */
import { EdnSyntaxError, ednToPlain, parseEdn, parseEdnAll, type Plain } from './edn.js';
import { HistoryFormatError, normalizeHistory, opFromRecord, type Op, type OpType } from './op.js';

/** Formats `parseHistory` understands. */
export type HistoryFormat = 'edn' | 'json' | 'jsonl' | 'jepsen-log';

/** Parses `text` as a history, detecting the format unless one is given. */
export function parseHistory(text: string, format: HistoryFormat = detectHistoryFormat(text)): Op[] {
  switch (format) {
    case 'edn': return recordsToOps(ednRecords(text));
    case 'json': return recordsToOps(jsonRecords(text));
    case 'jsonl': return recordsToOps(jsonLineRecords(text));
    case 'jepsen-log': return parseJepsenLog(text);
  }
}

/** Guesses the format from the first meaningful characters. */
export function detectHistoryFormat(text: string): HistoryFormat {
  if (/^\s*(INFO|WARN|DEBUG)\s+jepsen\./m.test(text.slice(0, 4096))) return 'jepsen-log';
  const head = text.slice(0, 256);
  if (/^\s*\[\s*\{\s*"/.test(head)) return 'json';
  if (/^\s*\{\s*"/.test(head)) return 'jsonl';
  return 'edn';
}

/** Serializes a history as JSON lines, one op per line (the harness's own format). */
export function toJsonLines(history: readonly Op[]): string {
  return history.map((op) => JSON.stringify(op)).join('\n') + '\n';
}

function recordsToOps(records: Plain[]): Op[] {
  return normalizeHistory(records.map((r, i) => opFromRecord(r, i)));
}

function ednRecords(text: string): Plain[] {
  const forms = parseEdnAll(text).map(ednToPlain);
  if (forms.length === 1 && Array.isArray(forms[0])) return forms[0];
  return forms;
}

function jsonRecords(text: string): Plain[] {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new HistoryFormatError('JSON history is not an array');
  return parsed as Plain[];
}

function jsonLineRecords(text: string): Plain[] {
  return text.split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l) as Plain);
}

const logLine = /^\s*INFO\s+jepsen\.util\s+-\s+(\S+)\s+:(invoke|ok|fail|info)\s+:(\S+)\s*(.*)$/;

/**
 * Parses porcupine's copies of Jepsen logs. Values are EDN (`nil`, `3`, `[1 2]`); a crashed or
 * failed op's `:timed-out` marker is not a value and becomes null.
 */
export function parseJepsenLog(text: string): Op[] {
  const ops: Op[] = [];
  for (const line of text.split('\n')) {
    const m = logLine.exec(line);
    if (m === null) continue;
    const [, proc, type, f, rawValue] = m as unknown as [string, string, OpType, string, string];
    const value = readLogValue(rawValue.trim());
    const process = /^\d+$/.test(proc) ? Number(proc) : proc.replace(/^:/, '');
    const marker = typeof value === 'string' && rawValue.trim().startsWith(':');
    ops.push({ index: ops.length, process, type, f, value: marker && type !== 'ok' ? null : value });
  }
  return ops;
}

function readLogValue(raw: string): Plain {
  if (raw.length === 0) return null;
  try {
    return ednToPlain(parseEdn(raw));
  } catch (e) {
    if (e instanceof EdnSyntaxError) return raw;
    throw e;
  }
}
