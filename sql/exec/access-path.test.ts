/**
 * Proves the access path choice: full primary key equality gives point gets, a range on the
 * leading key column a primary range, a predicate on an indexed column an index range, and
 * anything else (or a comparison that does not follow key order) a full scan.
 */
import { describe, expect, it } from 'vitest';
import type { TableDef } from '../catalog.js';
import { Decimal } from '../decimal.js';
import { chooseAccessPath } from './access-path.js';

const def: TableDef = {
  id: 1000, db: 'd', name: 't', nextIndexId: 3, primaryKey: [0],
  columns: [
    { name: 'id', type: { kind: 'int', bytes: 8, unsigned: false, width: 20 }, notNull: true, defaultValue: null, autoIncrement: false },
    { name: 's', type: { kind: 'string', maxChars: 10, variant: 'varchar' }, notNull: false, defaultValue: null, autoIncrement: false },
    { name: 'n', type: { kind: 'int', bytes: 4, unsigned: false, width: 11 }, notNull: false, defaultValue: null, autoIncrement: false },
  ],
  indexes: [{ id: 2, name: 'k_s', columns: [1], unique: false }],
};

describe('access path', () => {
  it('uses point gets, ranges and indexes', () => {
    expect(chooseAccessPath(def, [{ column: 0, op: '=', values: [5n] }]).kind).toBe('points');
    expect(chooseAccessPath(def, [{ column: 0, op: 'in', values: [5n, 6n] }])).toMatchObject({ kind: 'points', keys: [[{ kind: 'int', value: 5n }], [{ kind: 'int', value: 6n }]] });
    // Equal values name one row (or one index range) once, else its rows come back twice.
    expect(chooseAccessPath(def, [{ column: 0, op: 'in', values: [5n, new Decimal(50n, 1), 5n, 6n] }])).toMatchObject({ kind: 'points', keys: [[{ kind: 'int', value: 5n }], [{ kind: 'int', value: 6n }]] });
    expect(chooseAccessPath(def, [{ column: 1, op: 'in', values: ['abc', 'ABC ', 'x'] }])).toMatchObject({ kind: 'indexRanges', ranges: { length: 2 } });
    expect(chooseAccessPath(def, [{ column: 0, op: '=', values: [new Decimal(55n, 1)] }])).toEqual({ kind: 'points', keys: [] });
    expect(chooseAccessPath(def, [{ column: 0, op: '>', values: [5n] }]).kind).toBe('primaryRanges');
    expect(chooseAccessPath(def, [{ column: 1, op: '=', values: ['abc'] }]).kind).toBe('indexRanges');
    expect(chooseAccessPath(def, [{ column: 1, op: '=', values: [5n] }]).kind).toBe('full');
    expect(chooseAccessPath(def, [{ column: 2, op: '=', values: [5n] }]).kind).toBe('full');
    expect(chooseAccessPath(def, [{ column: 0, op: '=', values: ['5'] }]).kind).toBe('full');
  });
});
