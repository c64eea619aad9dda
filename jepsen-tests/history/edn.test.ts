// Proves the EDN reader and the history readers accept the forms found in Jepsen, Knossos,
// Elle and porcupine files (and reject malformed text with a typed error), and that
// invocations pair with completions as the checkers expect: by process, crashed ops as info.
import { describe, expect, it } from 'vitest';
import { EdnKeyword, EdnMap, EdnSet, EdnSyntaxError, EdnTagged, ednToPlain, parseEdn, parseEdnAll } from './edn.js';
import { pairOps } from './op.js';
import { detectHistoryFormat, parseHistory, toJsonLines } from './read-history.js';

describe('EDN reader', () => {
  it('reads scalars', () => {
    expect(parseEdnAll('nil true false 42 -7 3N 2.5 1e3 1.5M 1/4 "a\\"b\\n" \\a \\newline')).toEqual([null, true, false, 42, -7, 3, 2.5, 1000, 1.5, 0.25, 'a"b\n', 'a', '\n']);
  });

  it('reads keywords, symbols, collections and tagged literals', () => {
    const v = parseEdn('{:a [1 (2 3) #{:x}] "k" #inst "2020-01-01" :ns/b ...}');
    expect(v).toBeInstanceOf(EdnMap);
    const m = v as EdnMap;
    expect(m.entries[0]?.[0]).toEqual(new EdnKeyword('a'));
    expect((m.entries[0]?.[1] as unknown[])[2]).toBeInstanceOf(EdnSet);
    expect(m.entries[1]?.[1]).toBeInstanceOf(EdnTagged);
    expect(ednToPlain(v)).toEqual({ a: [1, [2, 3], ['x']], k: '2020-01-01', 'ns/b': '...' });
  });

  it('skips comments, commas and discarded forms', () => {
    expect(parseEdnAll('; comment\n[1, 2 #_ 3 4] ; trailing')).toEqual([[1, 2, 4]]);
  });

  it('rejects malformed input with its offset', () => {
    for (const bad of ['[1 2', '{:a}', '"open', '(1 2]', ')', '#_']) {
      expect(() => parseEdnAll(bad), bad).toThrow(EdnSyntaxError);
    }
  });

  it('bounds nesting depth', () => {
    expect(() => parseEdn('['.repeat(500) + ']'.repeat(500))).toThrow(/too deep/);
  });
});

describe('history readers', () => {
  const expectedOps = [
    { index: 0, process: 0, type: 'invoke', f: 'write', value: 1 },
    { index: 1, process: 0, type: 'ok', f: 'write', value: 1 },
  ];

  it('reads EDN vectors, EDN lines, JSON arrays and JSON lines alike', () => {
    const forms = [
      '[{:process 0 :type :invoke :f :write :value 1}\n {:process 0 :type :ok :f :write :value 1}]',
      '{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value 1}\n',
      '[{"process":0,"type":"invoke","f":"write","value":1},{"process":0,"type":"ok","f":"write","value":1}]',
      '{"process":0,"type":"invoke","f":"write","value":1}\n{"process":0,"type":"ok","f":"write","value":1}\n',
    ];
    expect(forms.map(detectHistoryFormat)).toEqual(['edn', 'edn', 'json', 'jsonl']);
    for (const text of forms) expect(parseHistory(text)).toEqual(expectedOps);
    expect(parseHistory(toJsonLines(parseHistory(forms[0] as string)))).toEqual(expectedOps);
  });

  it("reads porcupine's Jepsen log lines, dropping crash markers from values", () => {
    const log = 'INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]\nINFO  jepsen.util - 3\t:info\t:cas\t:timed-out\nnoise\nINFO  jepsen.util - 4\t:ok\t:read\tnil\n';
    expect(parseHistory(log)).toEqual([
      { index: 0, process: 3, type: 'invoke', f: 'cas', value: [1, 2] },
      { index: 1, process: 3, type: 'info', f: 'cas', value: null },
      { index: 2, process: 4, type: 'ok', f: 'read', value: null },
    ]);
  });

  it('rejects records that are not operations', () => {
    expect(() => parseHistory('[{:process 0 :f :read}]')).toThrow(/type/);
  });

  it('pairs ops by process; re-invoked and unfinished ops become info; nemesis ops are dropped', () => {
    const h = parseHistory(`
      {:process 0 :type :invoke :f :read :value nil}
      {:process :nemesis :type :info :f :start :value nil}
      {:process 1 :type :invoke :f :write :value 3}
      {:process 0 :type :ok :f :read :value 3}
      {:process 1 :type :invoke :f :write :value 4}`);
    const paired = pairOps(h).map((o) => [o.process, o.f, o.type, o.value, o.invokeIndex, o.completeIndex]);
    expect(paired).toEqual([
      [0, 'read', 'ok', 3, 0, 3],
      [1, 'write', 'info', 3, 2, Infinity],
      [1, 'write', 'info', 4, 4, Infinity],
    ]);
  });
});
