/**
 * Compiles an expression tree into a typed closure over rows. Static types are settled here,
 * once, following MySQL's rules (see sql/DESIGN.md, "Type rules"); evaluation then only
 * computes. Every `switch (node.kind)` ends in assertNever.
 */
import { assertNever } from '../../src/base/assert.js';
import { SqlError } from '../../src/base/errors.js';
import { limits } from '../../src/base/limits.js';
import type { ArithOp, CompareOp, Expr, Literal } from '../ast/expr.js';
import { Decimal } from '../decimal.js';
import { invalidGroupFuncError } from '../errors.js';
import { exprText } from '../parser/convert-ast.js';
import { parseDate, parseDateTime, parseTime } from '../temporal.js';
import {
  bigintType, decimalType, doubleType, intDigitsOf, intType, isExact, nullType, scaleOf, unifyTypes, varcharType, type SqlType,
} from '../types.js';
import {
  collationKey, compareValues, fromBool, groupKey, toBigInt, toBytes, toDecimal, toDouble, toText, truth, type CompareMode, type Value,
} from '../values.js';
import { checkBigint, coerce, compareModeFor, temporalKey, uint64Max } from './coerce.js';
import { compileCall } from './functions.js';
import type { CompileEnv, Compiled, QueryPlan, SessionView } from './plan-types.js';
import { columnReader, type EvalCtx, type Scope } from './scope.js';

/** Collects the aggregates of a grouped query; their values sit after the source row. */
export interface AggregateCollector {
  /** Registers an aggregate; returns where its value sits in the post-group row. */
  add(agg: Extract<Expr, { kind: 'aggregate' }>): { readonly offset: number; readonly type: SqlType; readonly nullable: boolean };
}

/** How one expression is compiled. */
export interface CompileOptions {
  /** Clause named in "Unknown column … in '<clause>'". */
  readonly clause: string;
  /** Non-null in a grouped query's select list, HAVING and ORDER BY. */
  readonly aggregates: AggregateCollector | null;
  /** Select-list aliases usable by name (ORDER BY, HAVING, GROUP BY). */
  readonly aliases?: ReadonlyMap<string, Compiled>;
  /** Collects window functions in a select list or ORDER BY (window.ts); absent elsewhere. */
  readonly windows?: { add(e: Extract<Expr, { kind: 'window' }>): Compiled };
}

/** Compiles `expr` in `scope`. Throws SqlError for unknown names and type errors. */
export function compileExpr(expr: Expr, scope: Scope, env: CompileEnv, opts: CompileOptions, depth = 0): Compiled {
  if (depth > limits.expressionDepthMax) throw new SqlError('TOO_HIGH_LEVEL_OF_NESTING', 'Expression nesting too deep');
  const sub = (e: Expr): Compiled => compileExpr(e, scope, env, opts, depth + 1);
  switch (expr.kind) {
    case 'literal':
      return literal(expr.literal);
    case 'column':
      return column(expr, scope, opts);
    case 'param': {
      const v = env.session.params[expr.index];
      if (v === undefined) throw new SqlError('WRONG_ARGUMENTS', 'Incorrect arguments to mysqld_stmt_execute');
      return constantValue(v);
    }
    case 'unary':
      return unary(expr.op, sub(expr.operand), exprText(expr));
    case 'binary':
      return binary(expr.op, sub(expr.left), sub(expr.right), exprText(expr), env.session);
    case 'isNull': {
      const operand = sub(expr.operand);
      const negated = expr.negated;
      return derived(intType(1), false, [operand], (ctx) => ((operand.eval(ctx) === null) !== negated ? 1n : 0n));
    }
    case 'between':
      return between(sub(expr.operand), sub(expr.low), sub(expr.high), expr.negated);
    case 'inList':
      return inList(sub(expr.operand), expr.list.map(sub), expr.negated);
    case 'inQuery':
      return inQuery(sub(expr.operand), subqueryPlan(expr.query, scope, env, 1), expr.negated);
    case 'quantified':
      return quantified(sub(expr.operand), subqueryPlan(expr.query, scope, env, 1), expr.op, expr.all);
    case 'exists': {
      const plan = subqueryPlan(expr.query, scope, env, null);
      return { type: intType(1), nullable: false, constant: false, hasSubquery: true, eval: (ctx) => (plan.run(ctx).length > 0 ? 1n : 0n) };
    }
    case 'subquery':
      return scalarSubquery(subqueryPlan(expr.query, scope, env, 1));
    case 'like':
      return like(sub(expr.operand), sub(expr.pattern), expr.negated);
    case 'case':
      return caseExpr(expr.operand === null ? null : sub(expr.operand), expr.whens.map((w) => ({ when: sub(w.when), then: sub(w.then) })), expr.otherwise === null ? null : sub(expr.otherwise));
    case 'call':
      if (expr.name === 'MOD' && expr.args.length === 2) return arithmetic('%', sub(expr.args[0]!), sub(expr.args[1]!), exprText(expr), env.session);
      return compileCall(expr.name, expr.args.map(sub), env.session);
    case 'aggregate': {
      if (opts.aggregates === null) throw invalidGroupFuncError();
      const slot = opts.aggregates.add(expr);
      const offset = slot.offset;
      return { type: slot.type, nullable: slot.nullable, constant: false, hasSubquery: false, eval: (ctx) => ctx.row[offset] ?? null };
    }
    case 'cast':
      return cast(sub(expr.operand), expr.target);
    case 'window':
      if (opts.windows === undefined) throw new SqlError('WINDOW_INVALID_USE', `You cannot use the window function '${expr.name.toLowerCase()}' in this context.`);
      return opts.windows.add(expr);
    case 'sysVar':
      return constantValue(env.session.systemVariable(expr.name, expr.scope));
    case 'userVar':
      return constantValue(env.session.userVariable(expr.name));
    case 'default':
      throw new SqlError('PARSE', "You have an error in your SQL syntax; DEFAULT is only allowed as an inserted value");
    default:
      return assertNever(expr, 'expression');
  }
}

/** A compiled expression of `type` computed from `parts` by `fn`. */
function derived(type: SqlType, nullable: boolean, parts: readonly Compiled[], fn: (ctx: EvalCtx) => Value): Compiled {
  return {
    type,
    nullable,
    constant: parts.every((p) => p.constant),
    hasSubquery: parts.some((p) => p.hasSubquery),
    eval: fn,
  };
}

/** A constant expression whose type follows the JS type of `v`. */
export function constantValue(v: Value): Compiled {
  let type: SqlType;
  if (v === null) type = nullType;
  else if (typeof v === 'bigint') type = v > 9223372036854775807n ? intType(20, true) : intType(v.toString().length);
  else if (typeof v === 'number') type = doubleType;
  else if (v instanceof Decimal) type = decimalType(v.precision(), v.scale);
  else if (typeof v === 'string') type = varcharType([...v].length);
  else type = { kind: 'binary', maxBytes: v.length, variant: 'varbinary' };
  return { type, nullable: v === null, constant: true, hasSubquery: false, eval: () => v };
}

function literal(l: Literal): Compiled {
  switch (l.kind) {
    case 'null':
      return constantValue(null);
    case 'int':
      return constantValue(l.value);
    case 'decimal': {
      const d = Decimal.parse(l.text);
      if (d === undefined) throw new SqlError('PARSE', `bad number ${l.text}`);
      return constantValue(d);
    }
    case 'float':
      return constantValue(l.value);
    case 'string':
      return constantValue(l.value);
    case 'bool':
      return { ...constantValue(l.value ? 1n : 0n), type: intType(1) };
    default:
      return assertNever(l, 'literal');
  }
}

function column(expr: Extract<Expr, { kind: 'column' }>, scope: Scope, opts: CompileOptions): Compiled {
  if (expr.table === null && opts.aliases !== undefined) {
    const aliased = opts.aliases.get(expr.name.toLowerCase());
    if (aliased !== undefined) return aliased;
  }
  const r = scope.resolve(expr.table, expr.name, opts.clause);
  return { type: r.column.type, nullable: r.column.nullable, constant: false, hasSubquery: false, eval: columnReader(r.depth, r.offset) };
}

function unary(op: '-' | '+' | 'NOT' | '~', operand: Compiled, text: string): Compiled {
  const f = operand.eval;
  switch (op) {
    case '+':
      return operand;
    case 'NOT':
      return derived(intType(1), operand.nullable, [operand], (ctx) => {
        const t = truth(f(ctx));
        return t === null ? null : t ? 0n : 1n;
      });
    case '~':
      return derived(intType(20, true), operand.nullable, [operand], (ctx) => {
        const v = f(ctx);
        return v === null ? null : ~toBigInt(v) & uint64Max;
      });
    case '-': {
      const t = operand.type;
      if (t.kind === 'int' || t.kind === 'null') {
        return derived(intType(intDigitsOf(t) + 1), operand.nullable, [operand], (ctx) => {
          const v = f(ctx);
          return v === null ? null : checkBigint(-toBigInt(v), false, text);
        });
      }
      if (t.kind === 'decimal') return derived(t, operand.nullable, [operand], (ctx) => {
        const v = f(ctx);
        return v === null ? null : toDecimal(v).neg();
      });
      return derived(doubleType, operand.nullable, [operand], (ctx) => {
        const v = f(ctx);
        return v === null ? null : -toDouble(v);
      });
    }
    default:
      return assertNever(op, 'unary operator');
  }
}

function binary(op: Extract<Expr, { kind: 'binary' }>['op'], l: Compiled, r: Compiled, text: string, session?: SessionView): Compiled {
  switch (op) {
    case '+': case '-': case '*': case '/': case 'DIV': case '%':
      return arithmetic(op, l, r, text, session);
    case '=': case '<>': case '<': case '<=': case '>': case '>=': case '<=>':
      return comparison(op, l, r);
    case 'AND': case 'OR': case 'XOR':
      return logic(op, l, r);
    default:
      return assertNever(op, 'binary operator');
  }
}

type NumClass = 'int' | 'decimal' | 'double';
function numClass(t: SqlType): NumClass {
  if (t.kind === 'int' || t.kind === 'null') return 'int';
  if (t.kind === 'decimal') return 'decimal';
  return 'double';
}

/**
 * Division by zero: NULL with warning 1365 in a query; errno 1365 in a strict-mode write
 * (sql_mode ERROR_FOR_DIVISION_BY_ZERO with STRICT_TRANS_TABLES, MySQL's default).
 */
function divisionByZero(session: SessionView | undefined): null {
  if (session?.strictWrite === true) throw new SqlError('DIVISION_BY_ZERO', 'Division by 0');
  session?.warn?.('Warning', 1365, 'Division by 0');
  return null;
}

function arithmetic(op: ArithOp, l: Compiled, r: Compiled, text: string, session?: SessionView): Compiled {
  const zero = (): null => divisionByZero(session);
  const lc = numClass(l.type);
  const rc = numClass(r.type);
  const cls: NumClass = lc === 'double' || rc === 'double' ? 'double' : lc === 'decimal' || rc === 'decimal' ? 'decimal' : 'int';
  const nullable = l.nullable || r.nullable || op === '/' || op === 'DIV' || op === '%';
  const lf = l.eval;
  const rf = r.eval;
  const both = (fn: (a: Exclude<Value, null>, b: Exclude<Value, null>) => Value) => (ctx: EvalCtx): Value => {
    const a = lf(ctx);
    if (a === null) return null;
    const b = rf(ctx);
    return b === null ? null : fn(a, b);
  };
  if (op === 'DIV') {
    const fn = cls === 'int'
      ? both((a, b) => { const y = toBigInt(b); return y === 0n ? zero() : checkBigint(toBigInt(a) / y, false, text); })
      : cls === 'decimal'
        ? both((a, b) => { const q = toDecimal(a).intDiv(toDecimal(b)); return q === undefined ? zero() : checkBigint(q, false, text); })
        : both((a, b) => { const y = toDouble(b); return y === 0 ? zero() : checkBigint(BigInt(Math.trunc(toDouble(a) / y)), false, text); });
    return derived(intType(intDigitsOf(l.type)), nullable, [l, r], fn);
  }
  if (cls === 'double') {
    const fn = op === '+' ? both((a, b) => toDouble(a) + toDouble(b))
      : op === '-' ? both((a, b) => toDouble(a) - toDouble(b))
      : op === '*' ? both((a, b) => toDouble(a) * toDouble(b))
      : op === '/' ? both((a, b) => { const y = toDouble(b); return y === 0 ? zero() : toDouble(a) / y; })
      : both((a, b) => { const y = toDouble(b); return y === 0 ? zero() : toDouble(a) % y; });
    return derived(doubleType, nullable, [l, r], fn);
  }
  if (op === '/' || cls === 'decimal') return decimalArithmetic(op, l, r, nullable, zero);
  const unsigned = (l.type.kind === 'int' && l.type.unsigned) || (r.type.kind === 'int' && r.type.unsigned);
  const width = Math.max(intDigitsOf(l.type), intDigitsOf(r.type)) + (op === '*' ? intDigitsOf(r.type) : 1);
  const fn = op === '+' ? both((a, b) => checkBigint(toBigInt(a) + toBigInt(b), unsigned, text))
    : op === '-' ? both((a, b) => checkBigint(toBigInt(a) - toBigInt(b), unsigned, text))
    : op === '*' ? both((a, b) => checkBigint(toBigInt(a) * toBigInt(b), unsigned, text))
    : both((a, b) => { const y = toBigInt(b); return y === 0n ? zero() : toBigInt(a) % y; });
  return derived(intType(Math.min(width, 21), unsigned), nullable, [l, r], fn);
}

function decimalArithmetic(op: '+' | '-' | '*' | '/' | '%', l: Compiled, r: Compiled, nullable: boolean, zero: () => null): Compiled {
  const s1 = scaleOf(l.type);
  const s2 = scaleOf(r.type);
  const i1 = intDigitsOf(l.type);
  const i2 = intDigitsOf(r.type);
  let type: SqlType;
  let fn: (a: Decimal, b: Decimal) => Value;
  switch (op) {
    case '+':
    case '-': {
      const s = Math.max(s1, s2);
      type = decimalType(Math.max(i1, i2) + 1 + s, s);
      fn = op === '+' ? (a, b) => a.add(b) : (a, b) => a.sub(b);
      break;
    }
    case '*':
      type = decimalType(i1 + i2 + s1 + s2, s1 + s2);
      fn = (a, b) => a.mul(b);
      break;
    case '/': {
      const s = Math.min(s1 + 4, limits.decimalScaleMax);
      type = decimalType(i1 + s2 + s, s);
      fn = (a, b) => a.div(b, s) ?? zero();
      break;
    }
    case '%': {
      const s = Math.max(s1, s2);
      type = decimalType(Math.max(i1, i2) + s, s);
      fn = (a, b) => a.mod(b) ?? zero();
      break;
    }
    default:
      return assertNever(op, 'decimal operator');
  }
  const lf = l.eval;
  const rf = r.eval;
  return derived(type, nullable, [l, r], (ctx) => {
    const a = lf(ctx);
    if (a === null) return null;
    const b = rf(ctx);
    return b === null ? null : fn(toDecimal(a), toDecimal(b));
  });
}

/** A comparator of two non-null values in `mode` (temporal operands normalized first). */
export function comparator(mode: CompareMode): (a: Exclude<Value, null>, b: Exclude<Value, null>) => number {
  if (mode === 'temporal') return (a, b) => compareValues(temporalKey(a), temporalKey(b), 'temporal');
  return (a, b) => compareValues(a, b, mode);
}

function comparison(op: CompareOp, l: Compiled, r: Compiled): Compiled {
  const cmp = comparator(compareModeFor(l.type, r.type));
  const lf = l.eval;
  const rf = r.eval;
  if (op === '<=>') {
    return derived(intType(1), false, [l, r], (ctx) => {
      const a = lf(ctx);
      const b = rf(ctx);
      if (a === null || b === null) return a === b ? 1n : 0n;
      return cmp(a, b) === 0 ? 1n : 0n;
    });
  }
  const test = op === '=' ? (c: number) => c === 0 : op === '<>' ? (c: number) => c !== 0 : op === '<' ? (c: number) => c < 0
    : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
  return derived(intType(1), l.nullable || r.nullable, [l, r], (ctx) => {
    const a = lf(ctx);
    if (a === null) return null;
    const b = rf(ctx);
    if (b === null) return null;
    return test(cmp(a, b)) ? 1n : 0n;
  });
}

function logic(op: 'AND' | 'OR' | 'XOR', l: Compiled, r: Compiled): Compiled {
  const lf = l.eval;
  const rf = r.eval;
  const nullable = l.nullable || r.nullable;
  if (op === 'AND') {
    return derived(intType(1), nullable, [l, r], (ctx) => {
      const a = truth(lf(ctx));
      if (a === false) return 0n;
      const b = truth(rf(ctx));
      if (b === false) return 0n;
      return a === null || b === null ? null : 1n;
    });
  }
  if (op === 'OR') {
    return derived(intType(1), nullable, [l, r], (ctx) => {
      const a = truth(lf(ctx));
      if (a === true) return 1n;
      const b = truth(rf(ctx));
      if (b === true) return 1n;
      return a === null || b === null ? null : 0n;
    });
  }
  return derived(intType(1), nullable, [l, r], (ctx) => {
    const a = truth(lf(ctx));
    const b = truth(rf(ctx));
    return a === null || b === null ? null : fromBool(a !== b);
  });
}

function between(x: Compiled, low: Compiled, high: Compiled, negated: boolean): Compiled {
  const ge = comparison('>=', x, low);
  const le = comparison('<=', x, high);
  const both = logic('AND', ge, le);
  return negated ? unary('NOT', both, '') : both;
}

function inList(x: Compiled, list: readonly Compiled[], negated: boolean): Compiled {
  const xf = x.eval;
  const modes = list.map((item) => compareModeFor(x.type, item.type));
  const sameMode = modes.every((m) => m === modes[0]) && modes[0] !== 'temporal';
  const parts = [x, ...list];
  const nullable = parts.some((p) => p.nullable);
  const finish = (found: boolean, sawNull: boolean): Value => (found ? (negated ? 0n : 1n) : sawNull ? null : negated ? 1n : 0n);
  if (sameMode && list.length > 0 && list.every((i) => i.constant)) {
    // Constant list: one hash lookup per row.
    const mode = modes[0]!;
    const keys = new Set<string>();
    let listHasNull = false;
    for (const item of list) {
      const v = item.eval({ row: [], parent: null });
      if (v === null) listHasNull = true;
      else keys.add(groupKey(mode === 'int' || mode === 'decimal' ? toDecimal(v) : v, mode === 'int' ? 'decimal' : mode));
    }
    const keyMode: CompareMode = mode === 'int' ? 'decimal' : mode;
    return derived(intType(1), nullable, parts, (ctx) => {
      const v = xf(ctx);
      if (v === null) return null;
      return finish(keys.has(groupKey(keyMode === 'decimal' ? toDecimal(v) : v, keyMode)), listHasNull);
    });
  }
  const cmps = modes.map(comparator);
  return derived(intType(1), nullable, parts, (ctx) => {
    const v = xf(ctx);
    if (v === null) return null;
    let sawNull = false;
    for (let i = 0; i < list.length; i++) {
      const w = list[i]!.eval(ctx);
      if (w === null) sawNull = true;
      else if (cmps[i]!(v, w) === 0) return finish(true, false);
    }
    return finish(false, sawNull);
  });
}

/** A subquery plan; `columns` checks the column count (null: any). */
function subqueryPlan(query: Parameters<CompileEnv['compileSubquery']>[0], scope: Scope, env: CompileEnv, columns: number | null): QueryPlan {
  const plan = env.compileSubquery(query, scope);
  if (columns !== null && plan.columns.length !== columns) throw new SqlError('OPERAND_COLUMNS', `Operand should contain ${columns} column(s)`);
  return plan;
}

function inQuery(x: Compiled, plan: QueryPlan, negated: boolean): Compiled {
  const col = plan.columns[0]!;
  const cmp = comparator(compareModeFor(x.type, col.type));
  const xf = x.eval;
  return { type: intType(1), nullable: true, constant: false, hasSubquery: true, eval: (ctx) => {
    const v = xf(ctx);
    const rows = plan.run(ctx);
    if (rows.length === 0) return negated ? 1n : 0n;
    if (v === null) return null;
    let sawNull = false;
    for (const row of rows) {
      const w = row[0] ?? null;
      if (w === null) sawNull = true;
      else if (cmp(v, w) === 0) return negated ? 0n : 1n;
    }
    return sawNull ? null : negated ? 1n : 0n;
  } };
}

/**
 * `x op ANY (q)`: true when some row compares true; `x op ALL (q)`: true when every row does
 * (an empty q gives false for ANY, true for ALL); otherwise NULL if a comparison was NULL.
 */
function quantified(x: Compiled, plan: QueryPlan, op: CompareOp, all: boolean): Compiled {
  const cmp = comparator(compareModeFor(x.type, plan.columns[0]!.type));
  const test = compareTest(op);
  const xf = x.eval;
  return { type: intType(1), nullable: true, constant: false, hasSubquery: true, eval: (ctx) => {
    const rows = plan.run(ctx);
    if (rows.length === 0) return all ? 1n : 0n;
    const v = xf(ctx);
    let sawNull = v === null;
    if (v !== null) {
      for (const row of rows) {
        const w = row[0] ?? null;
        if (w === null) sawNull = true;
        else if (test(cmp(v, w)) !== all) return all ? 0n : 1n;
      }
    }
    return sawNull ? null : all ? 1n : 0n;
  } };
}

function compareTest(op: CompareOp): (c: number) => boolean {
  switch (op) {
    case '=': case '<=>': return (c) => c === 0;
    case '<>': return (c) => c !== 0;
    case '<': return (c) => c < 0;
    case '<=': return (c) => c <= 0;
    case '>': return (c) => c > 0;
    case '>=': return (c) => c >= 0;
    default: return assertNever(op, 'comparison');
  }
}

function scalarSubquery(plan: QueryPlan): Compiled {
  const col = plan.columns[0]!;
  return { type: col.type, nullable: true, constant: false, hasSubquery: true, eval: (ctx) => {
    const rows = plan.run(ctx);
    if (rows.length > 1) throw new SqlError('SUBQUERY_NO_1_ROW', 'Subquery returns more than 1 row');
    return rows.length === 0 ? null : (rows[0]![0] ?? null);
  } };
}

/** A regular expression equivalent to LIKE `pattern` under utf8mb4_general_ci (escape `\`). */
export function likeRegExp(pattern: string): RegExp {
  let re = '';
  const p = collationKeyKeepSpaces(pattern);
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '\\' && i + 1 < p.length) {
      re += escapeRe(p[++i]!);
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`, 'u');
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function collationKeyKeepSpaces(s: string): string {
  const trailing = /( *)$/.exec(s)![1]!;
  return collationKey(s) + trailing;
}

function like(x: Compiled, pattern: Compiled, negated: boolean): Compiled {
  const xf = x.eval;
  const pf = pattern.eval;
  let lastPattern: string | null = null;
  let lastRe: RegExp = /^$/;
  return derived(intType(1), x.nullable || pattern.nullable, [x, pattern], (ctx) => {
    const v = xf(ctx);
    const p = pf(ctx);
    if (v === null || p === null) return null;
    const pText = toText(p);
    if (pText !== lastPattern) {
      lastPattern = pText;
      lastRe = likeRegExp(pText);
    }
    return lastRe.test(collationKeyKeepSpaces(toText(v))) !== negated ? 1n : 0n;
  });
}

function caseExpr(operand: Compiled | null, whens: readonly { when: Compiled; then: Compiled }[], otherwise: Compiled | null): Compiled {
  const results = [...whens.map((w) => w.then), ...(otherwise === null ? [] : [otherwise])];
  const type = unifyTypes(results.map((r) => r.type));
  const nullable = otherwise === null || results.some((r) => r.nullable);
  const parts = [...(operand === null ? [] : [operand]), ...whens.flatMap((w) => [w.when, w.then]), ...(otherwise === null ? [] : [otherwise])];
  const elseF = otherwise?.eval ?? (() => null);
  if (operand === null) {
    return derived(type, nullable, parts, (ctx) => {
      for (const w of whens) if (truth(w.when.eval(ctx)) === true) return coerce(w.then.eval(ctx), type);
      return coerce(elseF(ctx), type);
    });
  }
  const cmps = whens.map((w) => comparator(compareModeFor(operand.type, w.when.type)));
  const of = operand.eval;
  return derived(type, nullable, parts, (ctx) => {
    const v = of(ctx);
    if (v !== null) {
      for (let i = 0; i < whens.length; i++) {
        const w = whens[i]!.when.eval(ctx);
        if (w !== null && cmps[i]!(v, w) === 0) return coerce(whens[i]!.then.eval(ctx), type);
      }
    }
    return coerce(elseF(ctx), type);
  });
}

function cast(x: Compiled, target: Extract<Expr, { kind: 'cast' }>['target']): Compiled {
  const f = x.eval;
  const map = (type: SqlType, nullable: boolean, fn: (v: Exclude<Value, null>) => Value): Compiled =>
    derived(type, nullable, [x], (ctx) => {
      const v = f(ctx);
      return v === null ? null : fn(v);
    });
  switch (target.kind) {
    case 'signed':
      return map(bigintType, x.nullable, (v) => castToInt(v, x.type));
    case 'unsigned':
      return map(intType(20, true), x.nullable, (v) => {
        const n = castToInt(v, x.type);
        return n < 0n ? n + 2n ** 64n : n;
      });
    case 'decimal': {
      const type = decimalType(target.precision, target.scale);
      const max = new Decimal(10n ** BigInt(target.precision) - 1n, target.scale);
      return map(type, x.nullable, (v) => {
        const d = toDecimal(v).rescale(target.scale);
        return d.compare(max) > 0 ? max : d.compare(max.neg()) < 0 ? max.neg() : d;
      });
    }
    case 'double':
      return map(doubleType, x.nullable, (v) => toDouble(v));
    case 'char':
      return map(varcharType(target.length ?? 255), x.nullable, (v) => {
        const s = toText(v);
        return target.length === null ? s : [...s].slice(0, target.length).join('');
      });
    case 'date':
      return map({ kind: 'date' }, true, (v) => parseDate(toText(v)) ?? null);
    case 'datetime':
      return map({ kind: 'datetime', fsp: 0 }, true, (v) => parseDateTime(toText(v), 0) ?? null);
    case 'time':
      return map({ kind: 'time', fsp: 0 }, true, (v) => parseTime(toText(v)) ?? parseTime(toText(v).replace(/^.*[ T]/, '')) ?? null);
    case 'binary':
      return map({ kind: 'binary', maxBytes: target.length ?? 65535, variant: 'varbinary' }, x.nullable, (v) => {
        const b = toBytes(v);
        return target.length === null ? b : b.slice(0, target.length);
      });
    default:
      return assertNever(target, 'cast target');
  }
}

/** CAST(v AS SIGNED): exact values round, strings take their integer prefix (MySQL truncates text). */
function castToInt(v: Exclude<Value, null>, from: SqlType): bigint {
  if (typeof v === 'string' && !isExact(from)) {
    const m = /^\s*[+-]?\d+/.exec(v);
    return m === null ? 0n : BigInt(m[0].trim());
  }
  return toBigInt(v);
}
