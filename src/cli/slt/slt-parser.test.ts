// Proves the sqllogictest parser reads every record kind of FORMAT.wiki the way the reference
// implementation does, on hand-written snippets and on the shared corpus's select1.test.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSltScript } from './slt-parser.js';
import { recordAppliesTo } from './slt-record.js';

describe('parseSltScript', () => {
  test('statement ok and statement error, multi-line SQL, comments removed', () => {
    const records = parseSltScript(
      ['# leading comment', 'statement ok', 'CREATE TABLE t1(', '# inside', '  a INTEGER)', '', '', 'statement error', 'INSERT INTO nope VALUES(1)', ''].join('\n'),
    );
    expect(records).toEqual([
      { kind: 'statement', line: 2, conditions: [], expectError: false, sql: 'CREATE TABLE t1(\n  a INTEGER)' },
      { kind: 'statement', line: 8, conditions: [], expectError: true, sql: 'INSERT INTO nope VALUES(1)' },
    ]);
  });

  test('a comment line does not separate records', () => {
    const records = parseSltScript('statement ok\nSELECT 1\n# comment\nstatement ok\nSELECT 2\n');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'statement' });
  });

  test('query with types, sort mode, label, values and hashes', () => {
    const text = [
      'hash-threshold 8',
      '',
      'query IIT rowsort label-7',
      'SELECT a, b, c',
      '  FROM t1',
      '----',
      '1',
      '2',
      '(empty)',
      '',
      'query R',
      'SELECT 1.5',
      '----',
      '30 values hashing to 41762f74ba25ab0f9b0448f319f2f292',
      '',
      'query I valuesort',
      'SELECT a FROM empty_table',
      '',
    ].join('\r\n');
    const records = parseSltScript(text);
    expect(records).toEqual([
      {
        kind: 'query',
        line: 3,
        conditions: [],
        types: ['I', 'I', 'T'],
        sortMode: 'rowsort',
        label: 'label-7',
        sql: 'SELECT a, b, c\n  FROM t1',
        expected: { kind: 'values', values: ['1', '2', '(empty)'] },
        hashThreshold: 8,
      },
      {
        kind: 'query',
        line: 11,
        conditions: [],
        types: ['R'],
        sortMode: 'nosort',
        label: null,
        sql: 'SELECT 1.5',
        expected: { kind: 'hash', valueCount: 30, md5: '41762f74ba25ab0f9b0448f319f2f292' },
        hashThreshold: 8,
      },
      {
        kind: 'query',
        line: 16,
        conditions: [],
        types: ['I'],
        sortMode: 'valuesort',
        label: null,
        sql: 'SELECT a FROM empty_table',
        expected: { kind: 'values', values: [] },
        hashThreshold: 8,
      },
    ]);
  });

  test('skipif and onlyif with trailing comments; halt honours its conditions', () => {
    const text = [
      'skipif mysql # not compatible',
      'query I rowsort',
      'SELECT 1 / 2',
      '',
      'onlyif mysql # DIV for integer division: ',
      'statement ok',
      'SELECT 1 DIV 2',
      '',
      'onlyif mssql',
      'halt',
      '',
      'halt',
    ].join('\n');
    const records = parseSltScript(text);
    expect(records.map((r) => r.kind)).toEqual(['query', 'statement', 'halt', 'halt']);
    const conditions = records.map((r) => (r.kind === 'invalid' ? [] : r.conditions));
    expect(conditions[0]).toEqual([{ kind: 'skipif', engine: 'mysql' }]);
    expect(conditions[1]).toEqual([{ kind: 'onlyif', engine: 'mysql' }]);
    expect(conditions.map((c) => recordAppliesTo(c, 'mysql'))).toEqual([false, true, false, true]);
  });

  test('hash-threshold applies to later queries only', () => {
    const records = parseSltScript('query I\nSELECT 1\n----\n1\n\nhash-threshold 3\n\nquery I\nSELECT 1\n----\n1\n');
    expect(records.map((r) => (r.kind === 'query' ? r.hashThreshold : -1))).toEqual([0, 3]);
  });

  test('malformed records become invalid records, and parsing goes on', () => {
    const records = parseSltScript('query X\nSELECT 1\n\nstatement maybe\nSELECT 1\n\nfrobnicate\n\nquery I sideways\nSELECT 1\n\nstatement ok\n\nstatement ok\nSELECT 2\n');
    expect(records.map((r) => r.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'statement']);
    expect(records[2]).toEqual({ kind: 'invalid', line: 7, message: "unknown record type 'frobnicate'" });
  });

  test('select1.test from the corpus parses without an invalid record', () => {
    const text = readFileSync('/work/shared/corpora/sqllogictest/select1.test', 'utf8');
    const records = parseSltScript(text);
    expect(records.filter((r) => r.kind === 'invalid')).toEqual([]);
    const queries = records.filter((r) => r.kind === 'query');
    expect(queries.length).toBeGreaterThan(900);
    expect(records.filter((r) => r.kind === 'statement').length).toBeGreaterThan(30);
    for (const q of queries) {
      if (q.expected.kind === 'values') expect(q.expected.values.length % q.types.length).toBe(0);
    }
  });
});
