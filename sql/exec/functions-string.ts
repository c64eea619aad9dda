/**
 * String functions beyond the core set in functions.ts: padding, searching, hex/base64,
 * character codes, FIELD/ELT/FIND_IN_SET, FORMAT and digests. Lengths and positions count
 * characters (utf8mb4), as MySQL does; comparisons inside LOCATE/INSTR/FIELD follow
 * utf8mb4_general_ci.
 */
import { createHash } from 'node:crypto';
import { Decimal, roundDecimal } from '../decimal.js';
import { intType, varcharType, type SqlType } from '../types.js';
import { collationKey, toBytes, toDecimal, toDouble, toText, type Value } from '../values.js';
import { checkArity, fnOf, intArg, strictFn, type NonNull } from './function-kit.js';
import type { Compiled } from './plan-types.js';

const chars = (s: string): string[] => [...s];
const longText = varcharType(65535);
/** Longest string a padding or repeating function builds (MySQL: max_allowed_packet; NULL past it). */
const builtCharsMax = 16 * 1024 * 1024;

/** Compiles a string function call, or returns undefined when `name` is not one. */
export function compileStringCall(name: string, args: readonly Compiled[]): Compiled | undefined {
  switch (name) {
    case 'LPAD':
    case 'RPAD':
      checkArity(name, args, 3);
      return strictFn(longText, args, ([s, n, p]) => pad(toText(s!), intArg(n!), toText(p!), name === 'LPAD'), true);
    case 'LOCATE':
      checkArity(name, args, 2, 3);
      return strictFn(intType(11), args, ([sub, s, pos]) => BigInt(locate(toText(sub!), toText(s!), pos === undefined ? 1 : intArg(pos))));
    case 'INSTR':
      checkArity(name, args, 2);
      return strictFn(intType(11), args, ([s, sub]) => BigInt(locate(toText(sub!), toText(s!), 1)));
    case 'POSITION':
      checkArity(name, args, 2);
      return strictFn(intType(11), args, ([sub, s]) => BigInt(locate(toText(sub!), toText(s!), 1)));
    case 'SPACE':
      checkArity(name, args, 1);
      return strictFn(longText, args, ([n]) => (intArg(n!) > builtCharsMax ? null : ' '.repeat(Math.max(0, intArg(n!)))), true);
    case 'ASCII':
      checkArity(name, args, 1);
      return strictFn(intType(3), args, ([s]) => BigInt(toBytes(s!)[0] ?? 0));
    case 'ORD':
      checkArity(name, args, 1);
      return strictFn(intType(21), args, ([s]) => ord(toText(s!)));
    case 'CHAR':
      checkArity(name, args, 1, Infinity);
      return fnOf(varcharType(args.length * 4), args, false, (ctx) => charOf(args.map((a) => a.eval(ctx))));
    case 'HEX':
      checkArity(name, args, 1);
      return strictFn(varcharType(64), args, ([v]) => hex(v!, args[0]!.type));
    case 'UNHEX':
      checkArity(name, args, 1);
      return strictFn({ kind: 'binary', maxBytes: 65535, variant: 'varbinary' }, args, ([v]) => unhex(toText(v!)), true);
    case 'BIN':
    case 'OCT':
      checkArity(name, args, 1);
      return strictFn(varcharType(64), args, ([v]) => BigInt.asUintN(64, BigInt(Math.trunc(toDouble(v!)))).toString(name === 'BIN' ? 2 : 8));
    case 'STRCMP':
      checkArity(name, args, 2);
      return strictFn(intType(2), args, ([a, b]) => {
        const x = collationKey(toText(a!));
        const y = collationKey(toText(b!));
        return x < y ? -1n : x > y ? 1n : 0n;
      });
    case 'SUBSTRING_INDEX':
      checkArity(name, args, 3);
      return strictFn(longText, args, ([s, d, n]) => substringIndex(toText(s!), toText(d!), intArg(n!)));
    case 'INSERT':
      checkArity(name, args, 4);
      return strictFn(longText, args, ([s, p, l, t]) => insertString(toText(s!), intArg(p!), intArg(l!), toText(t!)));
    case 'ELT':
      checkArity(name, args, 2, Infinity);
      return fnOf(longText, args, true, (ctx) => {
        const n = args[0]!.eval(ctx);
        if (n === null) return null;
        const i = intArg(n);
        const v = i >= 1 && i < args.length ? args[i]!.eval(ctx) : null;
        return v === null ? null : toText(v);
      });
    case 'FIELD':
      checkArity(name, args, 2, Infinity);
      return fnOf(intType(3), args, false, (ctx) => field(args.map((a) => a.eval(ctx))));
    case 'FIND_IN_SET':
      checkArity(name, args, 2);
      return strictFn(intType(3), args, ([s, set]) => {
        const key = collationKey(toText(s!));
        if (toText(s!).includes(',')) return 0n;
        const i = toText(set!).split(',').findIndex((x) => collationKey(x) === key);
        return toText(set!) === '' ? 0n : BigInt(i + 1);
      });
    case 'FORMAT':
      checkArity(name, args, 2, 3);
      return strictFn(longText, args.slice(0, 2), ([x, d]) => formatNumber(x!, intArg(d!)));
    case 'QUOTE':
      checkArity(name, args, 1);
      return fnOf(longText, args, false, (ctx) => quote(args[0]!.eval(ctx)));
    case 'MD5':
    case 'SHA1':
    case 'SHA':
      checkArity(name, args, 1);
      return strictFn(varcharType(name === 'MD5' ? 32 : 40), args, ([v]) => createHash(name === 'MD5' ? 'md5' : 'sha1').update(toBytes(v!)).digest('hex'));
    case 'SHA2':
      checkArity(name, args, 2);
      return strictFn(varcharType(128), args, ([v, bits]) => {
        const b = intArg(bits!);
        const algo = b === 0 || b === 256 ? 'sha256' : b === 224 ? 'sha224' : b === 384 ? 'sha384' : b === 512 ? 'sha512' : null;
        return algo === null ? null : createHash(algo).update(toBytes(v!)).digest('hex');
      }, true);
    case 'TO_BASE64':
      checkArity(name, args, 1);
      return strictFn(longText, args, ([v]) => Buffer.from(toBytes(v!)).toString('base64'));
    case 'FROM_BASE64':
      checkArity(name, args, 1);
      return strictFn({ kind: 'binary', maxBytes: 65535, variant: 'varbinary' }, args, ([v]) => {
        const t = toText(v!);
        return /^[A-Za-z0-9+/\s]*={0,2}$/.test(t) ? new Uint8Array(Buffer.from(t, 'base64')) : null;
      }, true);
    case 'BIT_LENGTH':
      checkArity(name, args, 1);
      return strictFn(intType(10), args, ([v]) => BigInt(toBytes(v!).length * 8));
    case 'CRC32':
      checkArity(name, args, 1);
      return strictFn(intType(10, true), args, ([v]) => BigInt(crc32(toBytes(v!))));
    default:
      return undefined;
  }
}

function pad(s: string, n: number, fill: string, left: boolean): string | null {
  const cs = chars(s);
  if (n < 0 || n > builtCharsMax) return null;
  if (cs.length >= n) return cs.slice(0, n).join('');
  const f = chars(fill);
  if (f.length === 0) return null;
  const need = n - cs.length;
  const padding: string[] = [];
  for (let i = 0; i < need; i++) padding.push(f[i % f.length]!);
  return left ? padding.join('') + s : s + padding.join('');
}

/** A string folded as utf8mb4_general_ci compares characters (accents off, upper case), spaces kept. */
function fold(s: string): string {
  return (/[^\x00-\x7f]/.test(s) ? s.normalize('NFD').replace(/\p{M}/gu, '') : s).toUpperCase();
}

/** 1-based position of `sub` in `s` at or after `pos` (0 when absent), case-insensitively. */
function locate(sub: string, s: string, pos: number): number {
  const hay = chars(s);
  const n = chars(sub).length;
  if (pos < 1 || pos > hay.length + 1) return 0;
  if (n === 0) return pos;
  const target = fold(sub);
  for (let i = pos - 1; i + n <= hay.length; i++) {
    if (fold(hay.slice(i, i + n).join('')) === target) return i + 1;
  }
  return 0;
}

function ord(s: string): bigint {
  const bytes = new TextEncoder().encode(chars(s)[0] ?? '');
  if (bytes.length === 0) return 0n;
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  return n;
}

function charOf(vals: readonly Value[]): Value {
  const bytes: number[] = [];
  for (const v of vals) {
    if (v === null) continue;
    let n = BigInt.asUintN(32, BigInt(Math.trunc(toDouble(v))));
    const own: number[] = [];
    do {
      own.unshift(Number(n & 0xffn));
      n >>= 8n;
    } while (n > 0n);
    bytes.push(...own);
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

function hex(v: NonNull, type: SqlType): string {
  if (typeof v !== 'string' && !(v instanceof Uint8Array) && type.kind !== 'string') {
    const n = typeof v === 'bigint' ? v : BigInt(Math.round(toDouble(v)));
    return BigInt.asUintN(64, n).toString(16).toUpperCase();
  }
  return Buffer.from(toBytes(v)).toString('hex').toUpperCase();
}

function unhex(t: string): Uint8Array | null {
  const s = t.length % 2 === 1 ? '0' + t : t;
  if (!/^[0-9a-f]*$/i.test(s)) return null;
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function substringIndex(s: string, d: string, n: number): string {
  if (d === '' || n === 0) return '';
  const parts = s.split(d);
  return n > 0 ? parts.slice(0, n).join(d) : parts.slice(Math.max(0, parts.length + n)).join(d);
}

function insertString(s: string, pos: number, len: number, t: string): string {
  const cs = chars(s);
  if (pos < 1 || pos > cs.length) return s;
  const end = len < 0 || pos - 1 + len > cs.length ? cs.length : pos - 1 + len;
  return cs.slice(0, pos - 1).join('') + t + cs.slice(end).join('');
}

function field(vals: readonly Value[]): bigint {
  const [x, ...list] = vals;
  if (x === null || x === undefined) return 0n;
  const numeric = typeof x !== 'string' && list.every((v) => v === null || typeof v !== 'string');
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (v === null) continue;
    const same = numeric ? toDouble(x) === toDouble(v) : collationKey(toText(x)) === collationKey(toText(v));
    if (same) return BigInt(i + 1);
  }
  return 0n;
}

/** FORMAT(x, d): rounded to d decimals with thousands separators ('1,234.50'). */
function formatNumber(x: NonNull, d: number): string {
  const digits = Math.max(0, Math.min(d, 30));
  const rounded = typeof x === 'number' ? roundDecimal(toDecimal(x), digits) : roundDecimal(toDecimal(x), digits);
  const text = (rounded instanceof Decimal ? rounded : toDecimal(rounded)).rescale(digits).toString();
  const negative = text.startsWith('-');
  const [int, frac] = (negative ? text.slice(1) : text).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${frac === undefined ? '' : '.' + frac}`;
}

function quote(v: Value): string {
  if (v === null) return 'NULL';
  return `'${toText(v).replace(/[\\'\0\x1a]/g, (c) => (c === '\0' ? '\\0' : c === '\x1a' ? '\\Z' : '\\' + c))}'`;
}

let crcTable: Uint32Array | null = null;
function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

