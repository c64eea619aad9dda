/**
 * Numeric functions beyond the core set in functions.ts: powers, logarithms, trigonometry,
 * base conversion and bit counting. They compute in DOUBLE as MySQL does; a result outside
 * the function's domain (LN of a negative number, SQRT of -1) is NULL, with warning 3020
 * for logarithms as in MySQL 8.
 */
import { SqlError } from '../../src/base/errors.js';
import { doubleType, intType, varcharType } from '../types.js';
import { toBigInt, toDouble, toText } from '../values.js';
import { checkArity, fnOf, intArg, strictFn } from './function-kit.js';
import type { Compiled, SessionView } from './plan-types.js';

/** Compiles a numeric function call, or returns undefined when `name` is not one. */
export function compileNumericCall(name: string, args: readonly Compiled[], session: SessionView): Compiled | undefined {
  const math1 = (f: (x: number) => number): Compiled => {
    checkArity(name, args, 1);
    return strictFn(doubleType, args, ([x]) => {
      const r = f(toDouble(x!));
      return Number.isFinite(r) ? r : null;
    }, true);
  };
  switch (name) {
    case 'POW':
    case 'POWER':
      checkArity(name, args, 2);
      return strictFn(doubleType, args, ([x, y]) => {
        const r = toDouble(x!) ** toDouble(y!);
        if (!Number.isFinite(r)) throw new SqlError('DATA_OUT_OF_RANGE', `DOUBLE value is out of range in 'pow(${toText(x!)},${toText(y!)})'`);
        return Number.isNaN(r) ? null : r;
      }, true);
    case 'SQRT':
      return math1((x) => (x < 0 ? NaN : Math.sqrt(x)));
    case 'EXP':
      checkArity(name, args, 1);
      return strictFn(doubleType, args, ([x]) => {
        const r = Math.exp(toDouble(x!));
        if (!Number.isFinite(r)) throw new SqlError('DATA_OUT_OF_RANGE', `DOUBLE value is out of range in 'exp(${toText(x!)})'`);
        return r;
      });
    case 'LN':
      return logarithm(name, args, session, Math.log);
    case 'LOG2':
      return logarithm(name, args, session, Math.log2);
    case 'LOG10':
      return logarithm(name, args, session, Math.log10);
    case 'LOG':
      if (args.length === 1) return logarithm(name, args, session, Math.log);
      checkArity(name, args, 1, 2);
      return strictFn(doubleType, args, ([b, x]) => {
        const base = toDouble(b!);
        const v = toDouble(x!);
        if (base <= 0 || base === 1 || v <= 0) {
          session.warn?.('Warning', 3020, 'Invalid argument for logarithm');
          return null;
        }
        return Math.log(v) / Math.log(base);
      }, true);
    case 'PI':
      checkArity(name, args, 0);
      return { type: doubleType, nullable: false, constant: true, hasSubquery: false, eval: () => Math.PI };
    case 'SIN': return math1(Math.sin);
    case 'COS': return math1(Math.cos);
    case 'TAN': return math1(Math.tan);
    case 'ASIN': return math1((x) => (x < -1 || x > 1 ? NaN : Math.asin(x)));
    case 'ACOS': return math1((x) => (x < -1 || x > 1 ? NaN : Math.acos(x)));
    case 'COT': return math1((x) => 1 / Math.tan(x));
    case 'DEGREES': return math1((x) => (x * 180) / Math.PI);
    case 'RADIANS': return math1((x) => (x * Math.PI) / 180);
    case 'ATAN':
    case 'ATAN2':
      checkArity(name, args, name === 'ATAN' ? 1 : 2, 2);
      return strictFn(doubleType, args, ([y, x]) => (x === undefined ? Math.atan(toDouble(y!)) : Math.atan2(toDouble(y!), toDouble(x))));
    case 'BIT_COUNT':
      checkArity(name, args, 1);
      return strictFn(intType(2), args, ([v]) => {
        let n = BigInt.asUintN(64, toBigInt(v!));
        let count = 0n;
        while (n > 0n) {
          count += n & 1n;
          n >>= 1n;
        }
        return count;
      });
    case 'CONV':
      checkArity(name, args, 3);
      return strictFn(varcharType(64), args, ([v, from, to]) => convertBase(toText(v!), intArg(from!), intArg(to!)), true);
    case 'RAND': {
      checkArity(name, args, 0, 1);
      // A seeded RAND(n) repeats its sequence per statement; RAND() differs per row.
      let seed = args.length === 1 ? null : 0;
      return fnOf(doubleType, [], false, (ctx) => {
        if (args.length === 1) {
          seed ??= Number(toBigInt(args[0]!.eval(ctx) ?? 0n) & 0x7fffffffn);
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          return seed / 0x80000000;
        }
        return Math.random();
      });
    }
    default:
      return undefined;
  }
}

function logarithm(name: string, args: readonly Compiled[], session: SessionView, f: (x: number) => number): Compiled {
  checkArity(name, args, 1);
  return strictFn(doubleType, args, ([x]) => {
    const v = toDouble(x!);
    if (v <= 0) {
      session.warn?.('Warning', 3020, 'Invalid argument for logarithm');
      return null;
    }
    return f(v);
  }, true);
}

/** CONV(N, from, to): bases 2..36, a negative `to` prints a signed result. */
function convertBase(text: string, from: number, to: number): string | null {
  const fb = Math.abs(from);
  const tb = Math.abs(to);
  if (fb < 2 || fb > 36 || tb < 2 || tb > 36) return null;
  const m = new RegExp(`^\\s*(-?)([0-9a-z]*)`, 'i').exec(text)!;
  let n = 0n;
  for (const ch of m[2]!.toLowerCase()) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= fb) break;
    n = n * BigInt(fb) + BigInt(d);
  }
  if (m[1] === '-') n = -n;
  const value = to < 0 ? BigInt.asIntN(64, n) : BigInt.asUintN(64, n);
  return value.toString(tb).toUpperCase();
}
