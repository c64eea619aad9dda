/**
 * DATE, DATETIME/TIMESTAMP and TIME values in canonical text form, with MySQL's validation
 * (strict mode with NO_ZERO_DATE and NO_ZERO_IN_DATE: every part must be a real calendar date).
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Canonical 'YYYY-MM-DD' of `text`, or undefined when it is not a valid date. Accepts a time part and ignores it. */
export function parseDate(text: string): string | undefined {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?)?\s*$/.exec(text) ?? /^\s*(\d{4})(\d{2})(\d{2})\s*$/.exec(text);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) return undefined;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
}

/**
 * Canonical 'YYYY-MM-DD HH:MM:SS[.f…]' of `text` with `fsp` fraction digits (rounded), or
 * undefined when it is not a valid datetime. A bare date means midnight.
 */
export function parseDateTime(text: string, fsp: number): string | undefined {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,6}))?)?)?\s*$/.exec(text);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  const frac = (m[7] ?? '').padEnd(6, '0');
  let micros = Number(frac);
  const unit = 10 ** (6 - fsp);
  micros = Math.round(micros / unit) * unit;
  if (micros >= 1_000_000) {
    // Rounding the fraction carried into the seconds: recompute through Date in UTC.
    const t = Date.UTC(y, mo - 1, d, h, mi, s) + 1000;
    return formatDateTime(t, fsp);
  }
  const base = `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
  return fsp > 0 ? `${base}.${pad(micros, 6).slice(0, fsp)}` : base;
}

/** Canonical '[-]HH:MM:SS' of `text`, or undefined. */
export function parseTime(text: string): string | undefined {
  const m = /^\s*(-)?(\d{1,3}):(\d{1,2})(?::(\d{1,2}))?\s*$/.exec(text);
  if (m === null) return undefined;
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (h > 838 || mi > 59 || s > 59) return undefined;
  return `${m[1] ?? ''}${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** 'YYYY-MM-DD HH:MM:SS[.f…]' of epoch milliseconds `ms` in UTC. */
export function formatDateTime(ms: number, fsp = 0): string {
  const d = new Date(ms);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return fsp > 0 ? `${base}.${pad(d.getUTCMilliseconds() * 1000, 6).slice(0, fsp)}` : base;
}
