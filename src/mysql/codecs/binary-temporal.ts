/**
 * The binary protocol's date and time structs, and their canonical text forms at the SQL
 * boundary ('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.ffffff]', '[-]HH:MM:SS[.ffffff]').
 *
 * DATE/DATETIME/TIMESTAMP: a length byte (0, 4, 7 or 11) then year<2>, month, day, hour,
 * minute, second, microsecond<4>, trailing zero parts left out. TIME: a length byte (0, 8 or
 * 12) then is_negative, days<4>, hours, minutes, seconds, microsecond<4>.
 */
import { ColumnType } from '../../../sql/session-api.js';
import type { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** The fields of a DATE, DATETIME or TIMESTAMP value. */
export interface DateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
}

/** The fields of a TIME value (a signed duration; hours stay below 24, days carry the rest). */
export interface TimeParts {
  readonly negative: boolean;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly microsecond: number;
}

const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;
const TIME_TEXT = /^(-)?(\d{1,4}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** Parses 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS[.f…]'; throws on anything else. */
export function parseDateTimeText(text: string): DateTimeParts {
  const m = DATETIME_TEXT.exec(text);
  if (m === null) throw new Error(`not a canonical DATE/DATETIME text: '${text}'`);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    microsecond: fractionMicros(m[7]),
  };
}

/** Parses '[-]H…H:MM:SS[.f…]'; throws on anything else. */
export function parseTimeText(text: string): TimeParts {
  const m = TIME_TEXT.exec(text);
  if (m === null) throw new Error(`not a canonical TIME text: '${text}'`);
  const totalHours = Number(m[2]);
  return {
    negative: m[1] === '-',
    days: Math.floor(totalHours / 24),
    hours: totalHours % 24,
    minutes: Number(m[3]),
    seconds: Number(m[4]),
    microsecond: fractionMicros(m[5]),
  };
}

function fractionMicros(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function fractionText(microsecond: number, decimals: number): string {
  if (decimals <= 0 || decimals > 6) return microsecond === 0 ? '' : '.' + pad(microsecond, 6);
  return '.' + pad(microsecond, 6).slice(0, decimals);
}

/**
 * Canonical text of date parts: 'YYYY-MM-DD' for a DATE without a time of day, else with
 * the time; the fraction has `decimals` digits (1…6), or 6 when not fixed and non-zero.
 */
export function formatDateTimeText(p: DateTimeParts, type: number, decimals = 0): string {
  const date = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
  const midnight = p.hour === 0 && p.minute === 0 && p.second === 0 && p.microsecond === 0;
  if (type === ColumnType.DATE && midnight) return date;
  return `${date} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${fractionText(p.microsecond, decimals)}`;
}

/** Canonical text of time parts, e.g. '-838:59:59' or '12:00:00.500000'. */
export function formatTimeText(p: TimeParts, decimals = 0): string {
  const hours = p.days * 24 + p.hours;
  const text = `${pad(hours, 2)}:${pad(p.minutes, 2)}:${pad(p.seconds, 2)}${fractionText(p.microsecond, decimals)}`;
  const zero = hours === 0 && p.minutes === 0 && p.seconds === 0 && p.microsecond === 0;
  return p.negative && !zero ? '-' + text : text;
}

/** Writes the binary DATE/DATETIME/TIMESTAMP struct, as short as its non-zero parts allow. */
export function writeBinaryDateTime(w: PayloadWriter, p: DateTimeParts): void {
  const hasMicros = p.microsecond !== 0;
  const hasTime = hasMicros || p.hour !== 0 || p.minute !== 0 || p.second !== 0;
  const hasDate = hasTime || p.year !== 0 || p.month !== 0 || p.day !== 0;
  const length = hasMicros ? 11 : hasTime ? 7 : hasDate ? 4 : 0;
  w.uint8(length);
  if (length >= 4) w.uint16(p.year).uint8(p.month).uint8(p.day);
  if (length >= 7) w.uint8(p.hour).uint8(p.minute).uint8(p.second);
  if (length === 11) w.uint32(p.microsecond);
}

/** Reads a binary DATE/DATETIME/TIMESTAMP struct. */
export function readBinaryDateTime(r: PayloadReader): DateTimeParts {
  const length = r.uint8();
  if (length !== 0 && length !== 4 && length !== 7 && length !== 11) {
    throw new ProtocolError('malformed', `invalid DATETIME length ${length}`);
  }
  const year = length >= 4 ? r.uint16() : 0;
  const month = length >= 4 ? r.uint8() : 0;
  const day = length >= 4 ? r.uint8() : 0;
  const hour = length >= 7 ? r.uint8() : 0;
  const minute = length >= 7 ? r.uint8() : 0;
  const second = length >= 7 ? r.uint8() : 0;
  const microsecond = length === 11 ? r.uint32() : 0;
  return { year, month, day, hour, minute, second, microsecond };
}

/** Writes the binary TIME struct. */
export function writeBinaryTime(w: PayloadWriter, p: TimeParts): void {
  const hasMicros = p.microsecond !== 0;
  const zero = !hasMicros && p.days === 0 && p.hours === 0 && p.minutes === 0 && p.seconds === 0;
  const length = hasMicros ? 12 : zero ? 0 : 8;
  w.uint8(length);
  if (length >= 8) w.uint8(p.negative ? 1 : 0).uint32(p.days).uint8(p.hours).uint8(p.minutes).uint8(p.seconds);
  if (length === 12) w.uint32(p.microsecond);
}

/** Reads a binary TIME struct. */
export function readBinaryTime(r: PayloadReader): TimeParts {
  const length = r.uint8();
  if (length !== 0 && length !== 8 && length !== 12) throw new ProtocolError('malformed', `invalid TIME length ${length}`);
  if (length === 0) return { negative: false, days: 0, hours: 0, minutes: 0, seconds: 0, microsecond: 0 };
  const negative = r.uint8() === 1;
  const days = r.uint32();
  const hours = r.uint8();
  const minutes = r.uint8();
  const seconds = r.uint8();
  const microsecond = length === 12 ? r.uint32() : 0;
  return { negative, days, hours, minutes, seconds, microsecond };
}
