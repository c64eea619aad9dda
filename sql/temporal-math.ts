/**
 * Calendar arithmetic on DATE/DATETIME values for the date and time functions: parts from
 * text or numbers, day numbers (proleptic Gregorian, as MySQL's TO_DAYS), INTERVAL
 * arithmetic with month-end clamping, MySQL's week numbering and DATE_FORMAT/STR_TO_DATE
 * format strings. Everything is UTC (Atoll's only time zone so far) and pure.
 */

/** A point in time broken into parts; `us` is microseconds. */
export interface DateTimeParts {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
  readonly us: number;
}

const pad = (n: number, w = 2): string => String(Math.trunc(n)).padStart(w, '0');

/** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm; any year). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (inverse of daysFromCivil). */
export function civilFromDays(z0: number): { y: number; mo: number; d: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (mo <= 2 ? 1 : 0), mo, d };
}

/** MySQL's TO_DAYS offset: TO_DAYS('1970-01-01') = 719528. */
export const toDaysEpoch = 719528;

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function valid(p: DateTimeParts): boolean {
  return p.y >= 0 && p.y <= 9999 && p.mo >= 1 && p.mo <= 12 && p.d >= 1 && p.d <= daysInMonth(p.y, p.mo) && p.h <= 23 && p.mi <= 59 && p.s <= 59;
}

/**
 * Parts of a DATE/DATETIME written as text ('2024-01-31', '2024-01-31 10:00:00.5',
 * '20240131', '20240131100000') or as a number (20240131); undefined when it is none.
 */
export function parseParts(text: string): DateTimeParts | undefined {
  const t = text.trim();
  let m = /^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,6})\d*)?)?)?$/.exec(t);
  if (m === null) {
    const digits = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(?:\.(\d{0,6})\d*)?)?$/.exec(t);
    m = digits;
  }
  if (m === null) return undefined;
  const year = Number(m[1]);
  const p: DateTimeParts = {
    y: m[1]!.length <= 2 ? (year < 70 ? 2000 + year : 1900 + year) : year,
    mo: Number(m[2]), d: Number(m[3]), h: Number(m[4] ?? 0), mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0),
    us: Number((m[7] ?? '').padEnd(6, '0')),
  };
  return valid(p) ? p : undefined;
}

/** True when the text has a time part. */
export function hasTimePart(text: string): boolean {
  return /\d[ T]\d{1,2}:\d/.test(text.trim()) || /^\d{14}/.test(text.trim());
}

/** Seconds since the epoch (UTC) and the microseconds. */
export function toEpoch(p: DateTimeParts): { seconds: number; us: number } {
  return { seconds: daysFromCivil(p.y, p.mo, p.d) * 86400 + p.h * 3600 + p.mi * 60 + p.s, us: p.us };
}

/** Parts of epoch seconds plus microseconds. */
export function fromEpoch(seconds: number, us = 0): DateTimeParts {
  const days = Math.floor(seconds / 86400);
  let rest = seconds - days * 86400;
  const { y, mo, d } = civilFromDays(days);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const mi = Math.floor(rest / 60);
  return { y, mo, d, h, mi, s: rest - mi * 60, us };
}

/** 'YYYY-MM-DD'. */
export function formatDate(p: DateTimeParts): string {
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}`;
}

/** 'YYYY-MM-DD HH:MM:SS' with `.ffffff` when there are microseconds (or `fsp` asks for them). */
export function formatDateTimeParts(p: DateTimeParts, fsp: number | null = null): string {
  const base = `${formatDate(p)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
  const digits = fsp ?? (p.us !== 0 ? 6 : 0);
  return digits > 0 ? `${base}.${pad(p.us, 6).slice(0, digits)}` : base;
}

/** Units of INTERVAL and TIMESTAMPDIFF. */
export type IntervalUnit = 'MICROSECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

/** An interval: months (YEAR/QUARTER/MONTH) and microseconds (everything else), both signed. */
export interface Interval {
  readonly months: number;
  readonly micros: number;
}

const simpleUnits: Record<IntervalUnit, { months: number; micros: number }> = {
  MICROSECOND: { months: 0, micros: 1 },
  SECOND: { months: 0, micros: 1e6 },
  MINUTE: { months: 0, micros: 60e6 },
  HOUR: { months: 0, micros: 3600e6 },
  DAY: { months: 0, micros: 86400e6 },
  WEEK: { months: 0, micros: 7 * 86400e6 },
  MONTH: { months: 1, micros: 0 },
  QUARTER: { months: 3, micros: 0 },
  YEAR: { months: 12, micros: 0 },
};

/** Composite units ('DAY_HOUR' …): the parts their text lists, largest first. */
const compositeUnits: Record<string, readonly IntervalUnit[]> = {
  SECOND_MICROSECOND: ['SECOND', 'MICROSECOND'], MINUTE_MICROSECOND: ['MINUTE', 'SECOND', 'MICROSECOND'], MINUTE_SECOND: ['MINUTE', 'SECOND'],
  HOUR_MICROSECOND: ['HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'], HOUR_SECOND: ['HOUR', 'MINUTE', 'SECOND'], HOUR_MINUTE: ['HOUR', 'MINUTE'],
  DAY_MICROSECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'], DAY_SECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND'], DAY_MINUTE: ['DAY', 'HOUR', 'MINUTE'],
  DAY_HOUR: ['DAY', 'HOUR'], YEAR_MONTH: ['YEAR', 'MONTH'],
};

/** True for a unit name INTERVAL accepts. */
export function isIntervalUnit(unit: string): boolean {
  return unit in simpleUnits || unit in compositeUnits;
}

/** The interval `amount unit`; undefined for a malformed composite amount. */
export function makeInterval(amount: string | number, unit: string): Interval | undefined {
  const simple = simpleUnits[unit as IntervalUnit];
  if (simple !== undefined) {
    const n = typeof amount === 'number' ? amount : Number(/^\s*[+-]?\d*\.?\d*/.exec(amount)![0] || 0);
    const whole = unit === 'SECOND' ? n : Math.round(n);
    return { months: simple.months * whole, micros: Math.round(simple.micros * whole) };
  }
  const parts = compositeUnits[unit];
  if (parts === undefined) return undefined;
  const text = String(amount).trim();
  const negative = text.startsWith('-');
  const nums = text.replace(/^[-+]/, '').split(/[^0-9]+/).filter((x) => x !== '').map(Number);
  if (nums.length === 0 || nums.length > parts.length) return undefined;
  const used = parts.slice(parts.length - nums.length);
  let months = 0;
  let micros = 0;
  used.forEach((u, i) => {
    const v = u === 'MICROSECOND' ? Number(String(nums[i]).padEnd(6, '0').slice(0, 6)) : nums[i]!;
    months += simpleUnits[u].months * v;
    micros += simpleUnits[u].micros * v;
  });
  return negative ? { months: -months, micros: -micros } : { months, micros };
}

/** `p` plus `iv` (month arithmetic clamps the day); undefined outside years 0…9999. */
export function addInterval(p: DateTimeParts, iv: Interval): DateTimeParts | undefined {
  let q = p;
  if (iv.months !== 0) {
    const total = p.y * 12 + (p.mo - 1) + iv.months;
    const y = Math.floor(total / 12);
    const mo = total - y * 12 + 1;
    q = { ...p, y, mo, d: Math.min(p.d, daysInMonth(y, mo)) };
  }
  if (iv.micros !== 0) {
    const { seconds, us } = toEpoch(q);
    const totalUs = us + (iv.micros % 1e6);
    const carry = Math.floor(totalUs / 1e6);
    q = fromEpoch(seconds + Math.trunc(iv.micros / 1e6) + carry, totalUs - carry * 1e6);
  }
  return q.y >= 0 && q.y <= 9999 ? q : undefined;
}

/** TIMESTAMPDIFF(unit, a, b): b − a in whole units, truncated toward zero. */
export function timestampDiff(unit: IntervalUnit, a: DateTimeParts, b: DateTimeParts): number {
  const simple = simpleUnits[unit];
  if (simple.months === 0) {
    const ea = toEpoch(a);
    const eb = toEpoch(b);
    const diffUs = (eb.seconds - ea.seconds) * 1e6 + (eb.us - ea.us);
    return Math.trunc(diffUs / simple.micros);
  }
  let months = (b.y - a.y) * 12 + (b.mo - a.mo);
  // A month only counts once the day and time of day have come round again.
  const restA = [a.d, a.h, a.mi, a.s, a.us];
  const restB = [b.d, b.h, b.mi, b.s, b.us];
  const cmp = compareArrays(restB, restA);
  if (months > 0 && cmp < 0) months--;
  else if (months < 0 && cmp > 0) months++;
  return Math.trunc(months / simple.months);
}

function compareArrays(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** 0 = Monday … 6 = Sunday (WEEKDAY). */
export function weekday(p: DateTimeParts): number {
  return (((daysFromCivil(p.y, p.mo, p.d) + 3) % 7) + 7) % 7;
}

/** MySQL's WEEK(date, mode): week number and the year it belongs to. */
export function week(p: DateTimeParts, mode: number): { week: number; year: number } {
  let behaviour = mode & 7;
  if ((behaviour & 1) === 0) behaviour ^= 4;
  const mondayFirst = (behaviour & 1) !== 0;
  let weekYear = (behaviour & 2) !== 0;
  const firstWeekday = (behaviour & 4) !== 0;
  const daynr = daysFromCivil(p.y, p.mo, p.d);
  let firstDaynr = daysFromCivil(p.y, 1, 1);
  const calcWeekday = (n: number, sundayFirst: boolean): number => ((((n + toDaysEpoch + 5 + (sundayFirst ? 1 : 0)) % 7) + 7) % 7);
  let wd = calcWeekday(firstDaynr, !mondayFirst);
  let year = p.y;
  if (p.mo === 1 && p.d <= 7 - wd) {
    if (!weekYear && ((firstWeekday && wd !== 0) || (!firstWeekday && wd >= 4))) return { week: 0, year };
    weekYear = true;
    year--;
    const days = isLeap(year) ? 366 : 365;
    firstDaynr -= days;
    wd = (wd + 53 * 7 - days) % 7;
  }
  const days = (firstWeekday && wd !== 0) || (!firstWeekday && wd >= 4) ? daynr - (firstDaynr + (7 - wd)) : daynr - (firstDaynr - wd);
  if (weekYear && days >= 52 * 7) {
    const wd2 = (wd + (isLeap(year) ? 366 : 365)) % 7;
    if ((!firstWeekday && wd2 < 4) || (firstWeekday && wd2 === 0)) return { week: 1, year: year + 1 };
  }
  return { week: Math.floor(days / 7) + 1, year };
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** English month name of month 1…12. */
export function monthName(m: number): string {
  return monthNames[m - 1]!;
}

/** English day name of WEEKDAY 0…6. */
export function dayName(wd: number): string {
  return dayNames[wd]!;
}

function ordinalSuffix(d: number): string {
  if (d % 100 >= 11 && d % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][d % 10] ?? 'th';
}

/** DATE_FORMAT(p, format). */
export function formatWith(p: DateTimeParts, format: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    out += formatSpecifier(p, format[++i]!);
  }
  return out;
}

function formatSpecifier(p: DateTimeParts, f: string): string {
  const h12 = p.h % 12 === 0 ? 12 : p.h % 12;
  const doy = daysFromCivil(p.y, p.mo, p.d) - daysFromCivil(p.y, 1, 1) + 1;
  switch (f) {
    case 'a': return dayName(weekday(p)).slice(0, 3);
    case 'b': return monthName(p.mo).slice(0, 3);
    case 'c': return String(p.mo);
    case 'D': return `${p.d}${ordinalSuffix(p.d)}`;
    case 'd': return pad(p.d);
    case 'e': return String(p.d);
    case 'f': return pad(p.us, 6);
    case 'H': return pad(p.h);
    case 'h': case 'I': return pad(h12);
    case 'i': return pad(p.mi);
    case 'j': return pad(doy, 3);
    case 'k': return String(p.h);
    case 'l': return String(h12);
    case 'M': return monthName(p.mo);
    case 'm': return pad(p.mo);
    case 'p': return p.h < 12 ? 'AM' : 'PM';
    case 'r': return `${pad(h12)}:${pad(p.mi)}:${pad(p.s)} ${p.h < 12 ? 'AM' : 'PM'}`;
    case 'S': case 's': return pad(p.s);
    case 'T': return `${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
    case 'U': return pad(week(p, 0).week);
    case 'u': return pad(week(p, 1).week);
    case 'V': return pad(week(p, 2).week);
    case 'v': return pad(week(p, 3).week);
    case 'W': return dayName(weekday(p));
    case 'w': return String((weekday(p) + 1) % 7);
    case 'X': return pad(week(p, 2).year, 4);
    case 'x': return pad(week(p, 3).year, 4);
    case 'Y': return pad(p.y, 4);
    case 'y': return pad(p.y % 100);
    default: return f;
  }
}

/** STR_TO_DATE(text, format): the parts it reads and whether a date and a time were read. */
export function parseWith(text: string, format: string): { parts: DateTimeParts; hasDate: boolean; hasTime: boolean } | undefined {
  const v = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0, us: 0, pm: null as boolean | null };
  let hasDate = false;
  let hasTime = false;
  let pos = 0;
  const num = (maxDigits: number): number | undefined => {
    const m = new RegExp(`^\\d{1,${maxDigits}}`).exec(text.slice(pos));
    if (m === null) return undefined;
    pos += m[0].length;
    return Number(m[0]);
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      if (/\s/.test(c)) {
        while (pos < text.length && /\s/.test(text[pos]!)) pos++;
      } else if (text[pos] === c) pos++;
      else return undefined;
      continue;
    }
    const f = format[++i];
    const ok = readSpecifier(f, v, num, () => text.slice(pos), (n) => { pos += n; });
    if (ok === undefined) return undefined;
    if (ok === 'date') hasDate = true;
    if (ok === 'time') hasTime = true;
  }
  if (v.pm !== null && v.h <= 12) v.h = (v.h % 12) + (v.pm ? 12 : 0);
  const parts: DateTimeParts = { y: v.y, mo: v.mo, d: v.d, h: v.h, mi: v.mi, s: v.s, us: v.us };
  if (hasDate && !valid(parts)) return undefined;
  return { parts, hasDate, hasTime };
}

type Mutable = { y: number; mo: number; d: number; h: number; mi: number; s: number; us: number; pm: boolean | null };

function readSpecifier(f: string | undefined, v: Mutable, num: (n: number) => number | undefined, rest: () => string, advance: (n: number) => void): 'date' | 'time' | 'other' | undefined {
  const set = (key: 'y' | 'mo' | 'd' | 'h' | 'mi' | 's', digits: number): boolean => {
    const n = num(digits);
    if (n === undefined) return false;
    v[key] = n;
    return true;
  };
  switch (f) {
    case 'Y': return set('y', 4) ? 'date' : undefined;
    case 'y': { const n = num(2); if (n === undefined) return undefined; v.y = n < 70 ? 2000 + n : 1900 + n; return 'date'; }
    case 'm': case 'c': return set('mo', 2) ? 'date' : undefined;
    case 'd': case 'e': return set('d', 2) ? 'date' : undefined;
    case 'H': case 'k': case 'h': case 'I': case 'l': return set('h', 2) ? 'time' : undefined;
    case 'i': return set('mi', 2) ? 'time' : undefined;
    case 's': case 'S': return set('s', 2) ? 'time' : undefined;
    case 'f': { const m = /^\d{1,6}/.exec(rest()); if (m === null) return undefined; v.us = Number(m[0].padEnd(6, '0')); advance(m[0].length); return 'time'; }
    case 'p': { const m = /^(AM|PM)/i.exec(rest()); if (m === null) return undefined; v.pm = m[1]!.toUpperCase() === 'PM'; advance(2); return 'time'; }
    case 'M': case 'b': {
      const r = rest().toLowerCase();
      const idx = monthNames.findIndex((n) => (f === 'M' ? r.startsWith(n.toLowerCase()) : r.startsWith(n.slice(0, 3).toLowerCase())));
      if (idx < 0) return undefined;
      v.mo = idx + 1;
      advance(f === 'M' ? monthNames[idx]!.length : 3);
      return 'date';
    }
    case 'T': {
      if (!set('h', 2) || rest()[0] !== ':') return undefined;
      advance(1);
      if (!set('mi', 2) || rest()[0] !== ':') return undefined;
      advance(1);
      return set('s', 2) ? 'time' : undefined;
    }
    case '%': if (rest()[0] !== '%') return undefined; advance(1); return 'other';
    default: return undefined;
  }
}
