/**
 * Small builders shared by the scalar-function modules (functions-*.ts): a typed closure over
 * compiled arguments, NULL-in-NULL-out wrapping and argument-count checks.
 */
import { SqlError } from '../../src/base/errors.js';
import type { SqlType } from '../types.js';
import { toBigInt, type Value } from '../values.js';
import type { Compiled } from './plan-types.js';
import type { EvalCtx } from './scope.js';

/** A non-NULL runtime value. */
export type NonNull = Exclude<Value, null>;

/** A compiled call of `type` over `args`. */
export function fnOf(type: SqlType, args: readonly Compiled[], nullable: boolean, body: (ctx: EvalCtx) => Value): Compiled {
  return { type, nullable, constant: args.every((a) => a.constant), hasSubquery: args.some((a) => a.hasSubquery), eval: body };
}

/** A call that is NULL when any argument is NULL; `mayBeNull`: it can also be NULL otherwise. */
export function strictFn(type: SqlType, args: readonly Compiled[], body: (vals: NonNull[]) => Value, mayBeNull = false): Compiled {
  const fs = args.map((a) => a.eval);
  return fnOf(type, args, mayBeNull || args.some((a) => a.nullable), (ctx) => {
    const vals: NonNull[] = [];
    for (const f of fs) {
      const v = f(ctx);
      if (v === null) return null;
      vals.push(v);
    }
    return body(vals);
  });
}

/** Throws 1582 unless `min <= args.length <= max`. */
export function checkArity(name: string, args: readonly Compiled[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const e = new SqlError('PARSE', `Incorrect parameter count in the call to native function '${name.toLowerCase()}'`);
    Object.defineProperty(e, 'errno', { value: 1582 });
    throw e;
  }
}

/** An integer argument as a JS number, clamped to a safe range. */
export function intArg(v: NonNull): number {
  const n = toBigInt(v);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(n > max ? max : n < -max ? -max : n);
}
