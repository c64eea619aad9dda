/**
 * Date and time functions: parts (YEAR … MICROSECOND, DAYNAME, WEEK), arithmetic (DATE_ADD
 * and DATE_SUB with INTERVAL, which the converter passes as (value, amount, 'UNIT'),
 * DATEDIFF, TIMESTAMPDIFF, TIMESTAMPADD), conversions (DATE, TIME, TO_DAYS, FROM_DAYS,
 * UNIX_TIMESTAMP, FROM_UNIXTIME, DATE_FORMAT, STR_TO_DATE) and the clock (CURTIME). A value
 * that is not a date gives NULL with warning 1292, as MySQL does outside strict writes.
 */
import { SqlError } from '../../src/base/errors.js';
import { Decimal } from '../decimal.js';
import {
  addInterval, civilFromDays, dayName, daysFromCivil, formatDate, formatDateTimeParts, formatWith, fromEpoch, hasTimePart, isIntervalUnit,
  makeInterval, monthName, parseParts, parseWith, timestampDiff, toDaysEpoch, toEpoch, week, weekday, type DateTimeParts, type IntervalUnit,
} from '../temporal-math.js';
import { decimalType, intType, varcharType, type SqlType } from '../types.js';
import { toDouble, toText, type Value } from '../values.js';
import { checkArity, intArg, strictFn, type NonNull } from './function-kit.js';
import type { Compiled, SessionView } from './plan-types.js';

const dateType: SqlType = { kind: 'date' };
const datetimeType = (fsp = 0): SqlType => ({ kind: 'datetime', fsp });
const timeType: SqlType = { kind: 'time', fsp: 0 };

/** Compiles a date/time function call, or returns undefined when `name` is not one. */
export function compileDateTimeCall(name: string, args: readonly Compiled[], session: SessionView): Compiled | undefined {
  const parts = (v: NonNull): DateTimeParts | null => partsOf(v, session);
  const part = (n: number, f: (p: DateTimeParts) => Value, type: SqlType = intType(n)): Compiled => {
    checkArity(name, args, 1);
    return strictFn(type, args, ([v]) => {
      const p = parts(v!);
      return p === null ? null : f(p);
    }, true);
  };
  switch (name) {
    case 'YEAR': return part(4, (p) => BigInt(p.y));
    case 'MONTH': return part(2, (p) => BigInt(p.mo));
    case 'DAY': case 'DAYOFMONTH': return part(2, (p) => BigInt(p.d));
    case 'HOUR': return timePart(name, args, session, (t) => BigInt(t.h));
    case 'MINUTE': return timePart(name, args, session, (t) => BigInt(t.mi));
    case 'SECOND': return timePart(name, args, session, (t) => BigInt(t.s));
    case 'MICROSECOND': return timePart(name, args, session, (t) => BigInt(t.us));
    case 'QUARTER': return part(1, (p) => BigInt(Math.ceil(p.mo / 3)));
    case 'DAYOFWEEK': return part(1, (p) => BigInt(((weekday(p) + 1) % 7) + 1));
    case 'WEEKDAY': return part(1, (p) => BigInt(weekday(p)));
    case 'DAYOFYEAR': return part(3, (p) => BigInt(daysFromCivil(p.y, p.mo, p.d) - daysFromCivil(p.y, 1, 1) + 1));
    case 'DAYNAME': return part(9, (p) => dayName(weekday(p)), varcharType(9));
    case 'MONTHNAME': return part(9, (p) => monthName(p.mo), varcharType(9));
    case 'LAST_DAY': return part(10, (p) => formatDate(addInterval({ ...p, d: 1 }, { months: 1, micros: -86400e6 })!), dateType);
    case 'DATE': return part(10, (p) => formatDate(p), dateType);
    case 'TO_DAYS': return part(7, (p) => BigInt(daysFromCivil(p.y, p.mo, p.d) + toDaysEpoch));
    case 'WEEK':
    case 'YEARWEEK':
      checkArity(name, args, 1, 2);
      return strictFn(intType(6), args, ([v, m]) => {
        const p = parts(v!);
        if (p === null) return null;
        const w = week(p, (m === undefined ? 0 : intArg(m)) | (name === 'YEARWEEK' ? 2 : 0));
        return name === 'WEEK' ? BigInt(w.week) : BigInt(w.year * 100 + w.week);
      }, true);
    case 'WEEKOFYEAR': return part(2, (p) => BigInt(week(p, 3).week));
    case 'FROM_DAYS':
      checkArity(name, args, 1);
      return strictFn(dateType, args, ([n]) => {
        const days = intArg(n!) - toDaysEpoch;
        const c = civilFromDays(days);
        return intArg(n!) < 366 || c.y > 9999 ? '0000-00-00' : formatDate({ ...c, h: 0, mi: 0, s: 0, us: 0 });
      });
    case 'MAKEDATE':
      checkArity(name, args, 2);
      return strictFn(dateType, args, ([y, d]) => {
        const year = intArg(y!);
        const day = intArg(d!);
        if (day <= 0 || year < 0 || year > 9999) return null;
        const c = civilFromDays(daysFromCivil(year < 70 ? 2000 + year : year < 100 ? 1900 + year : year, 1, 1) + day - 1);
        return c.y > 9999 ? null : formatDate({ ...c, h: 0, mi: 0, s: 0, us: 0 });
      }, true);
    case 'TIME':
      checkArity(name, args, 1);
      return timePart(name, args, session, (t) => formatTime(t), timeType);
    case 'DATEDIFF':
      checkArity(name, args, 2);
      return strictFn(intType(7), args, ([a, b]) => {
        const p = parts(a!);
        const q = parts(b!);
        return p === null || q === null ? null : BigInt(daysFromCivil(p.y, p.mo, p.d) - daysFromCivil(q.y, q.mo, q.d));
      }, true);
    case 'DATE_ADD': case 'ADDDATE': case 'DATE_SUB': case 'SUBDATE':
      return dateArithmetic(name, args, session);
    case 'TIMESTAMPADD':
      checkArity(name, args, 3);
      return dateArithmetic('DATE_ADD', [args[2]!, args[1]!, args[0]!], session);
    case 'TIMESTAMPDIFF':
      return timestampDiffCall(args, session);
    case 'EXTRACT':
      return extractCall(args, session);
    case 'DATE_FORMAT':
      checkArity(name, args, 2);
      return strictFn(varcharType(64), args, ([v, f]) => {
        const p = parts(v!);
        return p === null ? null : formatWith(p, toText(f!));
      }, true);
    case 'STR_TO_DATE':
      return strToDate(args, session);
    case 'UNIX_TIMESTAMP':
      checkArity(name, args, 0, 1);
      if (args.length === 0) return { type: intType(11), nullable: false, constant: true, hasSubquery: false, eval: () => BigInt(Math.floor(session.nowMs / 1000)) };
      return unixTimestamp(args[0]!, session);
    case 'FROM_UNIXTIME':
      checkArity(name, args, 1, 2);
      return strictFn(args.length === 2 ? varcharType(64) : datetimeType(), args, ([n, f]) => {
        const t = toDouble(n!);
        if (t < 0 || t > 32536771199) return null;
        const seconds = Math.floor(t);
        const p = fromEpoch(seconds, Math.round((t - seconds) * 1e6));
        return f === undefined ? formatDateTimeParts(p) : formatWith(p, toText(f));
      }, true);
    case 'CURTIME': case 'CURRENT_TIME': case 'UTC_TIME': {
      checkArity(name, args, 0, 1);
      const now = fromEpoch(Math.floor(session.nowMs / 1000));
      return { type: timeType, nullable: false, constant: true, hasSubquery: false, eval: () => formatTime(now) };
    }
    case 'SEC_TO_TIME':
      checkArity(name, args, 1);
      return strictFn(timeType, args, ([v]) => secondsToTime(toDouble(v!)));
    case 'TIME_TO_SEC':
      return timePart(name, args, session, (t) => BigInt((t.negative ? -1 : 1) * (t.h * 3600 + t.mi * 60 + t.s)));
    default:
      return undefined;
  }
}

/** UNIX_TIMESTAMP(d): an integer, or DECIMAL(…, 6) when `d` may carry fractional seconds. */
function unixTimestamp(arg: Compiled, session: SessionView): Compiled {
  const t = arg.type;
  const constantText = arg.constant ? arg.eval({ row: [], parent: null }) : null;
  const whole = t.kind === 'date' || ((t.kind === 'datetime' || t.kind === 'timestamp') && t.fsp === 0) || t.kind === 'int'
    || (constantText !== null && !toText(constantText).includes('.'));
  return strictFn(whole ? intType(11) : decimalType(17, 6), [arg], ([v]) => {
    const p = partsOf(v!, session);
    if (p === null) return null;
    const { seconds, us } = toEpoch(p);
    if (seconds < 0) return whole ? 0n : new Decimal(0n, 6);
    return whole ? BigInt(seconds) : new Decimal(BigInt(seconds) * 1_000_000n + BigInt(us), 6);
  }, true);
}

/** Parts of a date value, or null with warning 1292. */
function partsOf(v: NonNull, session: SessionView): DateTimeParts | null {
  const text = typeof v === 'number' ? String(Math.trunc(v)) : toText(v);
  const p = parseParts(text);
  if (p !== undefined) return p;
  session.warn?.('Warning', 1292, `Incorrect datetime value: '${text}'`);
  return null;
}

/** A TIME value's parts (also read from a DATETIME). */
interface TimeParts {
  readonly negative: boolean;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
  readonly us: number;
}

function timeOf(v: NonNull, session: SessionView): TimeParts | null {
  const text = toText(v).trim();
  const m = /^(-)?(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,6}))?)?$/.exec(text);
  if (m !== null) return { negative: m[1] === '-', h: Number(m[2]), mi: Number(m[3]), s: Number(m[4] ?? 0), us: Number((m[5] ?? '').padEnd(6, '0')) };
  if (hasTimePart(text) || parseParts(text) !== undefined) {
    const p = partsOf(v, session);
    return p === null ? null : { negative: false, h: p.h, mi: p.mi, s: p.s, us: p.us };
  }
  session.warn?.('Warning', 1292, `Truncated incorrect time value: '${text}'`);
  return null;
}

function timePart(name: string, args: readonly Compiled[], session: SessionView, f: (t: TimeParts) => Value, type: SqlType = intType(3)): Compiled {
  checkArity(name, args, 1);
  return strictFn(type, args, ([v]) => {
    const t = timeOf(v!, session);
    return t === null ? null : f(t);
  }, true);
}

function formatTime(t: { negative?: boolean; h: number; mi: number; s: number; us: number }): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const base = `${t.negative === true ? '-' : ''}${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`;
  return t.us !== 0 ? `${base}.${String(t.us).padStart(6, '0')}` : base;
}

function secondsToTime(total: number): string {
  const negative = total < 0;
  let rest = Math.min(Math.abs(total), 838 * 3600 + 59 * 60 + 59);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const mi = Math.floor(rest / 60);
  const s = Math.floor(rest - mi * 60);
  return formatTime({ negative, h, mi, s, us: 0 });
}

/** The unit of an INTERVAL or TIMESTAMPDIFF: a constant string argument. */
function unitOf(c: Compiled): string {
  const v = c.constant ? c.eval({ row: [], parent: null }) : null;
  const unit = v === null ? '' : toText(v).toUpperCase();
  if (!isIntervalUnit(unit)) throw new SqlError('PARSE', `You have an error in your SQL syntax near '${unit}'`);
  return unit;
}

/** DATE_ADD(d, amount, 'UNIT') and friends; ADDDATE(d, n) adds days. */
function dateArithmetic(name: string, args: readonly Compiled[], session: SessionView): Compiled {
  checkArity(name, args, 2, 3);
  const unit = args.length === 3 ? unitOf(args[2]!) : 'DAY';
  const sign = name === 'DATE_SUB' || name === 'SUBDATE' ? -1 : 1;
  const dayOrMore = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'YEAR_MONTH'].includes(unit);
  const input = args[0]!.type;
  const type: SqlType = input.kind === 'date' && dayOrMore ? dateType : input.kind === 'datetime' || input.kind === 'timestamp' || input.kind === 'date' ? datetimeType(unit.includes('MICRO') ? 6 : 0) : varcharType(29);
  return strictFn(type, args.slice(0, 2), ([v, amount]) => {
    const p = partsOf(v!, session);
    if (p === null) return null;
    const raw = typeof amount === 'string' ? amount : amount instanceof Decimal ? amount.toString() : toDouble(amount!);
    const iv = makeInterval(raw, unit);
    if (iv === undefined) return null;
    const q = addInterval(p, sign > 0 ? iv : { months: -iv.months, micros: -iv.micros });
    if (q === undefined) {
      session.warn?.('Warning', 1441, 'Datetime function: datetime field overflow');
      return null;
    }
    const asDate = type.kind === 'date' || (type.kind !== 'datetime' && dayOrMore && !hasTimePart(toText(v!)));
    return asDate ? formatDate(q) : formatDateTimeParts(q, type.kind === 'datetime' ? type.fsp || null : null);
  }, true);
}

function timestampDiffCall(args: readonly Compiled[], session: SessionView): Compiled {
  checkArity('TIMESTAMPDIFF', args, 3);
  const unit = unitOf(args[0]!) as IntervalUnit;
  return strictFn(intType(21), args.slice(1), ([a, b]) => {
    const p = partsOf(a!, session);
    const q = partsOf(b!, session);
    return p === null || q === null ? null : BigInt(timestampDiff(unit, p, q));
  }, true);
}

function extractCall(args: readonly Compiled[], session: SessionView): Compiled {
  checkArity('EXTRACT', args, 2);
  const unit = unitOf(args[0]!);
  const fields: Record<string, (p: DateTimeParts) => number> = {
    YEAR: (p) => p.y, QUARTER: (p) => Math.ceil(p.mo / 3), MONTH: (p) => p.mo, WEEK: (p) => week(p, 0).week, DAY: (p) => p.d,
    HOUR: (p) => p.h, MINUTE: (p) => p.mi, SECOND: (p) => p.s, MICROSECOND: (p) => p.us,
    YEAR_MONTH: (p) => p.y * 100 + p.mo, DAY_HOUR: (p) => p.d * 100 + p.h, DAY_MINUTE: (p) => (p.d * 100 + p.h) * 100 + p.mi,
    DAY_SECOND: (p) => ((p.d * 100 + p.h) * 100 + p.mi) * 100 + p.s, HOUR_MINUTE: (p) => p.h * 100 + p.mi,
    HOUR_SECOND: (p) => (p.h * 100 + p.mi) * 100 + p.s, MINUTE_SECOND: (p) => p.mi * 100 + p.s,
  };
  const f = fields[unit];
  if (f === undefined) throw new SqlError('NOT_SUPPORTED_YET', `This version of Atoll doesn't yet support 'EXTRACT(${unit} …)'`);
  return strictFn(intType(21), args.slice(1), ([v]) => {
    const p = partsOf(v!, session);
    return p === null ? null : BigInt(f(p));
  }, true);
}

function strToDate(args: readonly Compiled[], session: SessionView): Compiled {
  checkArity('STR_TO_DATE', args, 2);
  const fmt = args[1]!;
  const fmtText = fmt.constant ? fmt.eval({ row: [], parent: null }) : null;
  const timeOnly = fmtText !== null && !/%[YymcdeMbjDUuVvWwXxa]/.test(toText(fmtText));
  const dateOnly = fmtText !== null && !/%[HkhIlisSfpTr]/.test(toText(fmtText));
  const type: SqlType = fmtText === null ? varcharType(29) : dateOnly ? dateType : timeOnly ? timeType : datetimeType();
  return strictFn(type, args, ([s, f]) => {
    const r = parseWith(toText(s!), toText(f!));
    if (r === undefined) {
      session.warn?.('Warning', 1411, `Incorrect datetime value: '${toText(s!)}' for function str_to_date`);
      return null;
    }
    if (!r.hasDate) return formatTime({ ...r.parts, negative: false });
    return r.hasTime ? formatDateTimeParts(r.parts) : formatDate(r.parts);
  }, true);
}

