/**
 * CHECK constraints: stored with the table as JSON of Atoll's expression tree, compiled once
 * per table definition over the row's columns, and checked on every row an INSERT, REPLACE,
 * ON DUPLICATE KEY UPDATE or UPDATE writes. FALSE is errno 3819; NULL passes (MySQL's rule).
 */
import { SqlError } from '../../src/base/errors.js';
import type { Expr } from '../ast/expr.js';
import type { Statement } from '../ast/statement.js';
import type { TableDef } from '../catalog.js';
import { unsupported } from '../errors.js';
import { truth, type Value } from '../values.js';
import { compileExpr } from './compile-expr.js';
import type { CompileEnv, Compiled, SessionView } from './plan-types.js';
import { Scope } from './scope.js';

const toJson = (e: Expr): string => JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
const fromJson = (s: string): Expr => JSON.parse(s, (_k, v: unknown) => (v !== null && typeof v === 'object' && '$bigint' in v ? BigInt((v as { $bigint: string }).$bigint) : v)) as Expr;

/** The CHECK constraints of a CREATE TABLE as stored, named and checked against the columns (1054). */
export function storedChecks(stmt: Extract<Statement, { kind: 'createTable' }>, def: TableDef, env: CompileEnv): { checks?: TableDef['checks'] } {
  if (stmt.checks === undefined || stmt.checks.length === 0) return {};
  let n = 0;
  const checks = stmt.checks.map((c) => ({ name: c.name ?? `${def.name}_chk_${++n}`, expr: toJson(c.expr) }));
  const names = new Set<string>();
  for (const c of checks) {
    if (names.has(c.name.toLowerCase())) throw new SqlError('UNKNOWN_ERROR', `Duplicate check constraint name '${c.name}'.`);
    names.add(c.name.toLowerCase());
  }
  compiledChecks({ ...def, checks }, env.session);
  return { checks };
}

/** Compiled checks per table definition and statement (closures capture the statement's session view). */
const compiledByDef = new WeakMap<TableDef, WeakMap<SessionView, { name: string; check: Compiled }[]>>();

function compiledChecks(def: TableDef, session: SessionView): { name: string; check: Compiled }[] {
  let perSession = compiledByDef.get(def);
  if (perSession === undefined) compiledByDef.set(def, (perSession = new WeakMap()));
  let out = perSession.get(session);
  if (out === undefined) {
    const scope = new Scope(def.columns.map((c) => ({ table: def.name, name: c.name, type: c.type, nullable: !c.notNull, db: def.db, orgTable: def.name, orgName: c.name, flags: 0, leaf: 0 })), null);
    const env: CompileEnv = { session, compileSubquery: () => { throw unsupported('subqueries in CHECK constraints'); } };
    out = (def.checks ?? []).map((c) => ({ name: c.name, check: compileExpr(fromJson(c.expr), scope, env, { clause: 'check constraint', aggregates: null }) }));
    perSession.set(session, out);
  }
  return out;
}

/** Throws 3819 when `row` makes a CHECK constraint of `def` FALSE. */
export function enforceChecks(def: TableDef, row: readonly Value[], session: SessionView): void {
  if (def.checks === undefined || def.checks.length === 0) return;
  for (const c of compiledChecks(def, session)) {
    if (truth(c.check.eval({ row, parent: null })) === false) {
      throw new SqlError('CHECK_CONSTRAINT_VIOLATED', `Check constraint '${c.name}' is violated.`);
    }
  }
}
