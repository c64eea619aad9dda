/**
 * Parses a sqllogictest script into records. Follows the reference implementation's rules:
 * records are separated by blank lines; a line starting with `#` is a comment (removed before
 * anything else, so it neither separates records nor reaches the SQL); `skipif`/`onlyif`
 * lines prefix a record; `hash-threshold N` changes hashing for the queries after it.
 * Pure: text in, records out. A malformed record becomes an `invalid` record, never a throw.
 */
import type { SltColumnType, SltCondition, SltExpected, SltRecord, SltSortMode } from './slt-record.js';

/** One non-comment line of a record with its 1-based line number. */
interface SourceLine {
  readonly text: string;
  readonly line: number;
}

const hashedResult = /^(\d+) values hashing to ([0-9a-f]{32})$/;
const sortModes: readonly string[] = ['nosort', 'rowsort', 'valuesort'];

/** Parses a whole script. */
export function parseSltScript(text: string): SltRecord[] {
  const records: SltRecord[] = [];
  let hashThreshold = 0;
  for (const block of splitBlocks(text)) {
    const parsed = parseBlock(block, hashThreshold);
    hashThreshold = parsed.hashThreshold;
    records.push(...parsed.records);
  }
  return records;
}

/** Splits a script into blocks of non-comment lines separated by blank lines. */
function splitBlocks(text: string): SourceLine[][] {
  const blocks: SourceLine[][] = [];
  let current: SourceLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineText.startsWith('#')) continue;
    if (lineText.trim() === '') {
      if (current.length > 0) blocks.push(current);
      current = [];
      continue;
    }
    current.push({ text: lineText, line: i + 1 });
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/** The words of a control line, up to a trailing `# comment`. */
function tokensOf(text: string): string[] {
  const tokens: string[] = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token.startsWith('#')) break;
    tokens.push(token);
  }
  return tokens;
}

/** Parses one block: leading control lines, then at most one statement, query or halt. */
function parseBlock(block: readonly SourceLine[], hashThresholdIn: number): { records: SltRecord[]; hashThreshold: number } {
  let hashThreshold = hashThresholdIn;
  const conditions: SltCondition[] = [];
  for (let i = 0; i < block.length; i++) {
    const head = block[i]!;
    const tokens = tokensOf(head.text);
    const keyword = tokens[0] ?? '';
    if (keyword === 'skipif' || keyword === 'onlyif') {
      if (tokens[1] === undefined) return { records: [invalid(head, `${keyword} needs an engine name`)], hashThreshold };
      conditions.push({ kind: keyword, engine: tokens[1] });
      continue;
    }
    if (keyword === 'hash-threshold') {
      const value = Number(tokens[1]);
      if (!Number.isInteger(value) || value < 0) return { records: [invalid(head, `bad hash-threshold '${tokens[1] ?? ''}'`)], hashThreshold };
      hashThreshold = value;
      continue;
    }
    const body = block.slice(i + 1);
    if (keyword === 'halt') return { records: [{ kind: 'halt', line: head.line, conditions }], hashThreshold };
    if (keyword === 'statement') return { records: [parseStatement(head, tokens, body, conditions)], hashThreshold };
    if (keyword === 'query') return { records: [parseQuery(head, tokens, body, conditions, hashThreshold)], hashThreshold };
    return { records: [invalid(head, `unknown record type '${keyword}'`)], hashThreshold };
  }
  return { records: [], hashThreshold };
}

function parseStatement(head: SourceLine, tokens: readonly string[], body: readonly SourceLine[], conditions: readonly SltCondition[]): SltRecord {
  const mode = tokens[1];
  if (mode !== 'ok' && mode !== 'error') return invalid(head, `statement must be 'ok' or 'error', not '${mode ?? ''}'`);
  const sql = body.map((l) => l.text).join('\n');
  if (sql.trim() === '') return invalid(head, 'statement without SQL');
  return { kind: 'statement', line: head.line, conditions, expectError: mode === 'error', sql };
}

function parseQuery(
  head: SourceLine,
  tokens: readonly string[],
  body: readonly SourceLine[],
  conditions: readonly SltCondition[],
  hashThreshold: number,
): SltRecord {
  const typeText = tokens[1] ?? '';
  if (!/^[IRT]+$/.test(typeText)) return invalid(head, `bad query type string '${typeText}'`);
  const sortText = tokens[2] ?? 'nosort';
  if (!sortModes.includes(sortText)) return invalid(head, `unknown sort mode '${sortText}'`);
  const separator = body.findIndex((l) => l.text.trim() === '----');
  const sqlLines = separator < 0 ? body : body.slice(0, separator);
  const resultLines = separator < 0 ? [] : body.slice(separator + 1);
  const sql = sqlLines.map((l) => l.text).join('\n');
  if (sql.trim() === '') return invalid(head, 'query without SQL');
  return {
    kind: 'query',
    line: head.line,
    conditions,
    types: typeText.split('') as SltColumnType[],
    sortMode: sortText as SltSortMode,
    label: tokens[3] ?? null,
    sql,
    expected: parseExpected(resultLines.map((l) => l.text)),
    hashThreshold,
  };
}

/** The expected result: `N values hashing to <md5>` alone, or the values one per line. */
export function parseExpected(lines: readonly string[]): SltExpected {
  if (lines.length === 1) {
    const match = hashedResult.exec(lines[0]!.trim());
    if (match !== null) return { kind: 'hash', valueCount: Number(match[1]), md5: match[2]! };
  }
  return { kind: 'values', values: [...lines] };
}

function invalid(at: SourceLine, message: string): SltRecord {
  return { kind: 'invalid', line: at.line, message };
}
