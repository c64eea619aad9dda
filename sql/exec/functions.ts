/**
 * Scalar functions: name → compiler from typed arguments to a typed closure. Unknown names
 * are errno 1235 (not silently NULL).
 */
import { SqlError } from '../../src/base/errors.js';
import { Decimal, roundDecimal } from '../decimal.js';
import { unsupported } from '../errors.js';
import { formatDateTime } from '../temporal.js';
import { bigintType, decimalType, doubleType, intType, scaleOf, unifyTypes, varcharType, type SqlType } from '../types.js';
import { compareValues, toBigInt, toDecimal, toDouble, toText, truth, type CompareMode, type Value } from '../values.js';
import { coerce, compareModeFor } from './coerce.js';
import type { Compiled, SessionView } from './plan-types.js';
import { compileDateTimeCall } from './functions-datetime.js';
import { fnOf, strictFn, type NonNull } from './function-kit.js';
import { compileNumericCall } from './functions-numeric.js';
import { compileStringCall } from './functions-string.js';
import { serverVersion } from './server-info.js';

// The shared helpers of function-kit.ts, under the short names this file uses.
const fn = fnOf;
const strict = (type: SqlType, args: readonly Compiled[], body: (vals: NonNull[]) => Value): Compiled => strictFn(type, args, body);

function arity(name: string, args: readonly Compiled[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new SqlError('PARSE', `Incorrect parameter count in the call to native function '${name.toLowerCase()}'`);
  }
}

function session0(name: string, args: readonly Compiled[], type: SqlType, v: Value): Compiled {
  arity(name, args, 0);
  return { type, nullable: v === null, constant: true, hasSubquery: false, eval: () => v };
}

const charLength = (s: string): number => [...s].length;

/** Compiles a call of the scalar function `name` (upper case). */
export function compileCall(name: string, args: readonly Compiled[], session: SessionView): Compiled {
  switch (name) {
    case 'COALESCE':
    case 'IFNULL': {
      if (name === 'IFNULL') arity(name, args, 2);
      if (args.length === 0) arity(name, args, 1, Infinity);
      const type = unifyTypes(args.map((a) => a.type));
      return fn(type, args, args.every((a) => a.nullable), (ctx) => {
        for (const a of args) {
          const v = a.eval(ctx);
          if (v !== null) return coerce(v, type);
        }
        return null;
      });
    }
    case 'NULLIF': {
      arity(name, args, 2);
      const [a, b] = args as [Compiled, Compiled];
      const mode = compareModeFor(a.type, b.type);
      return fn(a.type, args, true, (ctx) => {
        const x = a.eval(ctx);
        const y = b.eval(ctx);
        if (x === null || y === null) return x;
        return compareNonNull(x, y, mode) === 0 ? null : x;
      });
    }
    case 'IF': {
      arity(name, args, 3);
      const [c, a, b] = args as [Compiled, Compiled, Compiled];
      const type = unifyTypes([a.type, b.type]);
      return fn(type, args, a.nullable || b.nullable, (ctx) => coerce(truth(c.eval(ctx)) === true ? a.eval(ctx) : b.eval(ctx), type));
    }
    case 'ABS': {
      arity(name, args, 1);
      const t = args[0]!.type;
      if (t.kind === 'int') return strict(t, args, ([v]) => (toBigInt(v!) < 0n ? -toBigInt(v!) : toBigInt(v!)));
      if (t.kind === 'decimal') return strict(t, args, ([v]) => toDecimal(v!).abs());
      return strict(doubleType, args, ([v]) => Math.abs(toDouble(v!)));
    }
    case 'SIGN':
      arity(name, args, 1);
      return strict(intType(2), args, ([v]) => BigInt(Math.sign(toDouble(v!))));
    case 'ROUND':
    case 'TRUNCATE':
      return roundCall(name, args);
    case 'FLOOR':
    case 'CEIL':
    case 'CEILING': {
      arity(name, args, 1);
      const t = args[0]!.type;
      const up = name !== 'FLOOR';
      if (t.kind === 'int') return args[0]!;
      if (t.kind === 'decimal') return strict(bigintType, args, ([v]) => (up ? toDecimal(v!).ceil() : toDecimal(v!).floor()));
      return strict(doubleType, args, ([v]) => (up ? Math.ceil(toDouble(v!)) : Math.floor(toDouble(v!))));
    }
    case 'GREATEST':
    case 'LEAST': {
      arity(name, args, 2, Infinity);
      const type = unifyTypes(args.map((a) => a.type));
      const cmpMode = compareModeFor(type, type);
      const sign = name === 'GREATEST' ? 1 : -1;
      return strict(type, args, (vals) => {
        let best = vals[0]!;
        for (const v of vals.slice(1)) if (sign * compareNonNull(v, best, cmpMode) > 0) best = v;
        return coerce(best, type);
      });
    }
    case 'CONCAT': {
      arity(name, args, 1, Infinity);
      const len = args.reduce((n, a) => n + displayLength(a.type), 0);
      return strict(varcharType(len), args, (vals) => vals.map(toText).join(''));
    }
    case 'CONCAT_WS': {
      arity(name, args, 2, Infinity);
      const [sep, ...rest] = args;
      return fn(varcharType(rest.reduce((n, a) => n + displayLength(a.type), 0)), args, sep!.nullable, (ctx) => {
        const s = sep!.eval(ctx);
        if (s === null) return null;
        return rest.map((a) => a.eval(ctx)).filter((v): v is NonNull => v !== null).map(toText).join(toText(s));
      });
    }
    case 'LENGTH':
    case 'OCTET_LENGTH':
      arity(name, args, 1);
      return strict(intType(10), args, ([v]) => BigInt(v instanceof Uint8Array ? v.length : Buffer.byteLength(toText(v!), 'utf8')));
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      arity(name, args, 1);
      return strict(intType(10), args, ([v]) => BigInt(charLength(toText(v!))));
    case 'UPPER':
    case 'UCASE':
      arity(name, args, 1);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([v]) => toText(v!).toUpperCase());
    case 'LOWER':
    case 'LCASE':
      arity(name, args, 1);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([v]) => toText(v!).toLowerCase());
    case 'SUBSTRING':
    case 'SUBSTR':
    case 'MID':
      arity(name, args, 2, 3);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([s, p, l]) => substring(toText(s!), Number(toBigInt(p!)), l === undefined ? undefined : Number(toBigInt(l))));
    case 'LEFT':
      arity(name, args, 2);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([s, n]) => [...toText(s!)].slice(0, Math.max(0, Number(toBigInt(n!)))).join(''));
    case 'RIGHT':
      arity(name, args, 2);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([s, n]) => {
        const chars = [...toText(s!)];
        const k = Math.max(0, Number(toBigInt(n!)));
        return k === 0 ? '' : chars.slice(-k).join('');
      });
    case 'TRIM':
    case 'LTRIM':
    case 'RTRIM': {
      // TRIM([BOTH|LEADING|TRAILING] remstr FROM s) arrives as TRIM(s, remstr, 'MODE').
      if (name === 'TRIM' && args.length === 3) return strict(varcharType(displayLength(args[0]!.type)), args, ([s, r, m]) => trimString(toText(s!), toText(r!), toText(m!)));
      arity(name, args, 1);
      const trim = name === 'TRIM' ? (s: string) => s.replace(/^ +| +$/g, '') : name === 'LTRIM' ? (s: string) => s.replace(/^ +/, '') : (s: string) => s.replace(/ +$/, '');
      return strict(varcharType(displayLength(args[0]!.type)), args, ([s]) => trim(toText(s!)));
    }
    case 'REPLACE':
      arity(name, args, 3);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([s, from, to]) => {
        const f = toText(from!);
        return f === '' ? toText(s!) : toText(s!).split(f).join(toText(to!));
      });
    case 'REVERSE':
      arity(name, args, 1);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([s]) => [...toText(s!)].reverse().join(''));
    case 'REPEAT':
      arity(name, args, 2);
      return strict(varcharType(displayLength(args[0]!.type)), args, ([s, n]) => toText(s!).repeat(Math.max(0, Math.min(Number(toBigInt(n!)), 1_000_000))));
    case 'DATABASE':
    case 'SCHEMA':
      return session0(name, args, varcharType(64), session.database);
    case 'USER':
    case 'CURRENT_USER':
    case 'SESSION_USER':
    case 'SYSTEM_USER':
      return session0(name, args, varcharType(288), session.user);
    case 'VERSION':
      return session0(name, args, varcharType(serverVersion.length), serverVersion);
    case 'CONNECTION_ID':
      return session0(name, args, intType(10, true), BigInt(session.connectionId));
    case 'LAST_INSERT_ID':
      return session0(name, args, intType(20, true), session.lastInsertId);
    case 'NOW':
    case 'CURRENT_TIMESTAMP':
    case 'LOCALTIME':
    case 'LOCALTIMESTAMP':
    case 'SYSDATE':
    case 'UTC_TIMESTAMP':
      arity(name, args, 0, 1);
      return { type: { kind: 'datetime', fsp: 0 }, nullable: false, constant: true, hasSubquery: false, eval: () => formatDateTime(session.nowMs) };
    case 'CURDATE':
    case 'CURRENT_DATE':
    case 'UTC_DATE':
      return session0(name, args, { kind: 'date' }, formatDateTime(session.nowMs).slice(0, 10));
    default: {
      const more = compileStringCall(name, args) ?? compileNumericCall(name, args, session) ?? compileDateTimeCall(name, args, session);
      if (more !== undefined) return more;
      throw unsupported(`function ${name}`);
    }
  }
}

function trimString(s: string, rem: string, mode: string): string {
  if (rem === '') return s;
  let start = 0;
  let end = s.length;
  if (mode !== 'TRAILING') while (s.startsWith(rem, start)) start += rem.length;
  if (mode !== 'LEADING') while (end - rem.length >= start && s.endsWith(rem, end)) end -= rem.length;
  return s.slice(start, end);
}

function displayLength(t: SqlType): number {
  switch (t.kind) {
    case 'string':
      return t.maxChars;
    case 'int':
      return t.width;
    case 'decimal':
      return t.precision + 2;
    case 'null':
      return 0;
    default:
      return 22;
  }
}

function compareNonNull(a: NonNull, b: NonNull, mode: CompareMode): number {
  return compareValues(a, b, mode);
}

function substring(s: string, pos: number, len: number | undefined): string {
  const chars = [...s];
  if (pos === 0) return '';
  const start = pos > 0 ? pos - 1 : chars.length + pos;
  if (start < 0 || start >= chars.length) return '';
  const end = len === undefined ? chars.length : len <= 0 ? start : start + len;
  return chars.slice(start, end).join('');
}

function roundCall(name: 'ROUND' | 'TRUNCATE', args: readonly Compiled[]): Compiled {
  arity(name, args, name === 'ROUND' ? 1 : 2, 2);
  const x = args[0]!;
  const dArg = args[1];
  if (dArg !== undefined && !dArg.constant) throw unsupported(`${name} with a non-constant precision`);
  const dv = dArg === undefined ? 0n : dArg.eval({ row: [], parent: null });
  const digits = dv === null ? 0 : Number(toBigInt(dv));
  const t = x.type;
  const truncate = name === 'TRUNCATE';
  if (t.kind === 'int') {
    if (digits >= 0) return x;
    const p = 10n ** BigInt(-digits);
    return strict(t, [x], ([v]) => {
      const n = toBigInt(v!);
      const d = new Decimal(n, 0);
      return truncate ? (n / p) * p : roundDecimal(d, digits).toBigInt();
    });
  }
  if (t.kind === 'decimal') {
    const scale = Math.max(0, Math.min(digits, scaleOf(t)));
    const type = decimalType(t.precision - t.scale + scale + 1, scale);
    return strict(type, [x], ([v]) => {
      const d = toDecimal(v!);
      const r = truncate ? (digits >= 0 ? d.truncate(digits) : truncNeg(d, digits)) : roundDecimal(d, digits);
      return r.rescale(scale);
    });
  }
  return strict(doubleType, [x], ([v]) => {
    const n = toDouble(v!);
    const p = 10 ** digits;
    if (truncate) return Math.trunc(n * p) / p;
    return rint(n * p) / p;
  });
}

function truncNeg(d: Decimal, digits: number): Decimal {
  const p = 10n ** BigInt(-digits);
  return new Decimal((d.truncate(0).unscaled / p) * p, 0);
}

/** Round half to even, as C's rint() in the default rounding mode (MySQL rounds doubles so). */
function rint(n: number): number {
  const r = Math.round(n);
  if (Math.abs(n % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}
