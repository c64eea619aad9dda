/**
 * Proves every packet codec round-trips (encode then decode gives back what went in, for
 * generated values), that the binary value encodings have MySQL's exact byte layout, and
 * that malformed payloads fail with ProtocolError rather than anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnInfo, SqlValue } from '../../sql/session-api.js';
import { Charset, ColumnFlag, ColumnType } from '../../sql/session-api.js';
import { decodeAuthMoreData, decodeAuthSwitchRequest, encodeAuthMoreData, encodeAuthSwitchRequest } from './codecs/auth-switch.js';
import { decodeBinaryRow, encodeBinaryRow } from './codecs/binary-row.js';
import { decodeComChangeUser, encodeComChangeUser } from './codecs/change-user.js';
import { formatDateTimeText, parseDateTimeText, parseTimeText, formatTimeText } from './codecs/binary-temporal.js';
import { decodeColumnDefinition, encodeColumnDefinition } from './codecs/column-definition.js';
import { decodeEof, encodeEof } from './codecs/eof-packet.js';
import { decodeErr, encodeErr } from './codecs/err-packet.js';
import { decodeHandshakeResponse41, encodeHandshakeResponse41, type HandshakeResponse41, isSslRequest } from './codecs/handshake-response41.js';
import { decodeHandshakeV10, encodeHandshakeV10 } from './codecs/handshake-v10.js';
import { decodeOk, encodeOk } from './codecs/ok-packet.js';
import {
  type BoundParam,
  decodeStmtExecuteHeader,
  decodeStmtExecuteParams,
  decodeStmtSendLongData,
  encodeStmtExecute,
  encodeStmtSendLongData,
} from './codecs/stmt-execute.js';
import { decodeStmtPrepareOk, encodeStmtPrepareOk } from './codecs/stmt-prepare-ok.js';
import { decodeTextRow, encodeTextRow } from './codecs/text-row.js';
import { PayloadReader } from './payload-reader.js';
import { payloadOf } from './payload-writer.js';
import { Capability, SERVER_CAPABILITIES } from './protocol-constants.js';
import { ProtocolError } from './protocol-error.js';
import { column } from './test-support/fake-sessions.js';

const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\0'));
const nonce = fc.uint8Array({ minLength: 20, maxLength: 20, min: 1, max: 255 }).map((b) => Buffer.from(b));
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe('handshake codecs', () => {
  it('round-trips HandshakeV10', () => {
    fc.assert(
      fc.property(text, u32, nonce, u16, (serverVersion, connectionId, authPluginData, statusFlags) => {
        const h = { serverVersion, connectionId, authPluginData, capabilities: SERVER_CAPABILITIES, characterSet: 45, statusFlags, authPluginName: 'caching_sha2_password' };
        expect(decodeHandshakeV10(payloadOf((w) => encodeHandshakeV10(w, h)))).toEqual(h);
      }),
    );
  });

  it('round-trips HandshakeResponse41 under every auth-response encoding', () => {
    const base = Capability.PROTOCOL_41 | Capability.CONNECT_WITH_DB | Capability.PLUGIN_AUTH | Capability.CONNECT_ATTRS;
    const caps = fc.constantFrom(base | Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capability.SECURE_CONNECTION, base | Capability.SECURE_CONNECTION);
    const attrs = fc.array(fc.tuple(text, text), { maxLength: 4 }).map((pairs) => new Map(pairs));
    fc.assert(
      fc.property(caps, text, fc.uint8Array({ maxLength: 32 }), text, attrs, (capabilities, user, auth, database, attributes) => {
        const h: HandshakeResponse41 = {
          capabilities,
          maxPacketBytes: 16777216,
          characterSet: 45,
          user,
          authResponse: Buffer.from(auth),
          database,
          authPluginName: 'mysql_native_password',
          attributes,
        };
        expect(decodeHandshakeResponse41(payloadOf((w) => encodeHandshakeResponse41(w, h)))).toEqual(h);
      }),
    );
  });

  it('round-trips COM_CHANGE_USER', () => {
    const caps = Capability.PROTOCOL_41 | Capability.SECURE_CONNECTION | Capability.PLUGIN_AUTH | Capability.CONNECT_ATTRS;
    fc.assert(
      fc.property(text, fc.uint8Array({ maxLength: 32 }), text, (user, auth, database) => {
        const request: HandshakeResponse41 = {
          capabilities: caps,
          maxPacketBytes: 0,
          characterSet: 255,
          user,
          authResponse: Buffer.from(auth),
          database: database === '' ? null : database,
          authPluginName: 'mysql_native_password',
          attributes: new Map([['_client_name', 'test']]),
        };
        expect(decodeComChangeUser(payloadOf((w) => encodeComChangeUser(w, request)), caps)).toEqual(request);
      }),
    );
  });

  it('tells an SSLRequest from a handshake response and refuses pre-4.1 clients', () => {
    const ssl = Buffer.alloc(32);
    ssl.writeUInt32LE(Capability.PROTOCOL_41 | Capability.SSL, 0);
    expect(isSslRequest(ssl)).toBe(true);
    expect(() => decodeHandshakeResponse41(Buffer.alloc(40))).toThrow(ProtocolError);
  });

  it('round-trips AuthSwitchRequest and AuthMoreData', () => {
    fc.assert(
      fc.property(nonce, (data) => {
        const request = { pluginName: 'mysql_native_password', pluginData: data };
        expect(decodeAuthSwitchRequest(payloadOf((w) => encodeAuthSwitchRequest(w, request)))).toEqual(request);
        expect(decodeAuthMoreData(payloadOf((w) => encodeAuthMoreData(w, data)))).toEqual(data);
      }),
    );
  });
});

describe('response codecs', () => {
  it('round-trips OK with and without CLIENT_SESSION_TRACK', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x00, 0xfe), u64, u64, u16, u16, text, fc.boolean(), (header, affectedRows, lastInsertId, statusFlags, warnings, info, track) => {
        const ok = { header: header as 0 | 0xfe, affectedRows, lastInsertId, statusFlags, warnings, info };
        const caps = Capability.PROTOCOL_41 | (track ? Capability.SESSION_TRACK : 0);
        expect(decodeOk(payloadOf((w) => encodeOk(w, ok, caps)), caps)).toEqual(ok);
      }),
    );
  });

  it('writes OK fields in MySQL byte order', () => {
    const ok = { header: 0 as const, affectedRows: 300n, lastInsertId: 1n, statusFlags: 2, warnings: 1, info: '' };
    expect(payloadOf((w) => encodeOk(w, ok, Capability.PROTOCOL_41)).toString('hex')).toBe('00fc2c010102000100');
  });

  it('round-trips ERR and EOF', () => {
    fc.assert(
      fc.property(u16, fc.stringMatching(/^[0-9A-Z]{5}$/), text, u16, u16, (errno, sqlState, message, warnings, statusFlags) => {
        expect(decodeErr(payloadOf((w) => encodeErr(w, { errno, sqlState, message })))).toEqual({ errno, sqlState, message });
        expect(decodeEof(payloadOf((w) => encodeEof(w, { warnings, statusFlags })))).toEqual({ warnings, statusFlags });
      }),
    );
    expect(payloadOf((w) => encodeErr(w, { errno: 1146, sqlState: '42S02', message: 'x' })).toString('hex')).toBe('ff7a04233432533032' + '78');
  });

  it('round-trips column definitions', () => {
    const columnInfo = fc.record({
      schema: text,
      table: text,
      orgTable: text,
      name: text,
      orgName: text,
      charset: u16,
      columnLength: u32,
      type: fc.constantFrom(...Object.values(ColumnType)),
      flags: u16,
      decimals: fc.integer({ min: 0, max: 0x1f }),
    });
    fc.assert(
      fc.property(columnInfo, (c) => {
        expect(decodeColumnDefinition(payloadOf((w) => encodeColumnDefinition(w, c)))).toEqual(c);
      }),
    );
  });

  it('round-trips COM_STMT_PREPARE_OK', () => {
    fc.assert(
      fc.property(u32, u16, u16, u16, (statementId, columnCount, paramCount, warnings) => {
        const ok = { statementId, columnCount, paramCount, warnings };
        expect(decodeStmtPrepareOk(payloadOf((w) => encodeStmtPrepareOk(w, ok)))).toEqual(ok);
      }),
    );
  });
});

describe('text rows', () => {
  it('writes each value as its text, NULL as 0xfb', () => {
    const columns = [
      column('i', ColumnType.LONGLONG),
      column('d', ColumnType.DOUBLE),
      column('f', ColumnType.FLOAT),
      column('s', ColumnType.VAR_STRING),
      column('b', ColumnType.BLOB),
      column('n', ColumnType.NULL),
      column('fixed', ColumnType.DOUBLE, { decimals: 2 }),
      column('intnum', ColumnType.LONG),
    ];
    const row: SqlValue[] = [-5n, 0.1, 3.1415927, 'ü', Uint8Array.of(0, 255), null, 2.5, 7];
    const decoded = decodeTextRow(payloadOf((w) => encodeTextRow(w, row, columns)), columns.length);
    expect(decoded.map((b) => (b === null ? null : b.toString('latin1')))).toEqual(['-5', '0.1', '3.14159', Buffer.from('ü').toString('latin1'), '\x00\xff', null, '2.50', '7']);
  });
});

/** Generates a column of one type with a value that type can carry. */
const typedValue: fc.Arbitrary<[ColumnInfo, SqlValue]> = fc.oneof(
  fc.integer({ min: -128, max: 127 }).map((n) => [column('c', ColumnType.TINY), BigInt(n)] as [ColumnInfo, SqlValue]),
  fc.integer({ min: 0, max: 255 }).map((n) => [column('c', ColumnType.TINY, { flags: ColumnFlag.UNSIGNED }), BigInt(n)] as [ColumnInfo, SqlValue]),
  fc.integer({ min: -32768, max: 32767 }).map((n) => [column('c', ColumnType.SHORT), BigInt(n)] as [ColumnInfo, SqlValue]),
  fc.integer({ min: 1901, max: 2155 }).map((n) => [column('c', ColumnType.YEAR, { flags: ColumnFlag.UNSIGNED }), BigInt(n)] as [ColumnInfo, SqlValue]),
  fc.integer({ min: -(2 ** 23), max: 2 ** 23 - 1 }).map((n) => [column('c', ColumnType.INT24), BigInt(n)] as [ColumnInfo, SqlValue]),
  fc.integer().map((n) => [column('c', ColumnType.LONG), BigInt(n)] as [ColumnInfo, SqlValue]),
  fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }).map((n) => [column('c', ColumnType.LONG, { flags: ColumnFlag.UNSIGNED }), n] as [ColumnInfo, SqlValue]),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => [column('c', ColumnType.LONGLONG), n] as [ColumnInfo, SqlValue]),
  u64.map((n) => [column('c', ColumnType.LONGLONG, { flags: ColumnFlag.UNSIGNED }), n] as [ColumnInfo, SqlValue]),
  fc.double({ noNaN: true }).map((n) => [column('c', ColumnType.DOUBLE), n] as [ColumnInfo, SqlValue]),
  fc.float({ noNaN: true }).map((n) => [column('c', ColumnType.FLOAT), n] as [ColumnInfo, SqlValue]),
  fc.stringMatching(/^-?\d{1,30}\.\d{2}$/).map((s) => [column('c', ColumnType.NEWDECIMAL, { decimals: 2 }), s] as [ColumnInfo, SqlValue]),
  text.map((s) => [column('c', ColumnType.VAR_STRING), s] as [ColumnInfo, SqlValue]),
  text.map((s) => [column('c', ColumnType.BLOB, { charset: Charset.UTF8MB4_GENERAL_CI }), s] as [ColumnInfo, SqlValue]),
  fc.uint8Array({ maxLength: 300 }).map((b) => [column('c', ColumnType.BLOB), b] as [ColumnInfo, SqlValue]),
  fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map(
    (d) => [column('c', ColumnType.DATE, { decimals: 0 }), d.toISOString().slice(0, 10)] as [ColumnInfo, SqlValue],
  ),
  fc
    .tuple(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999_999 }))
    .map(([d, micros]) => [column('c', ColumnType.DATETIME, { decimals: 6 }), `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}.${String(micros).padStart(6, '0')}`] as [ColumnInfo, SqlValue]),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 0, max: 838 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
    .filter(([neg, h, m, s]) => !(neg && h === 0 && m === 0 && s === 0))
    .map(([neg, h, m, s]) => [column('c', ColumnType.TIME, { decimals: 0 }), `${neg ? '-' : ''}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`] as [ColumnInfo, SqlValue]),
  fc.constant([column('c', ColumnType.NULL), null] as [ColumnInfo, SqlValue]),
  fc.constant([column('c', ColumnType.LONGLONG), null] as [ColumnInfo, SqlValue]),
);

function expected(c: ColumnInfo, v: SqlValue): SqlValue {
  if (c.type === ColumnType.FLOAT && typeof v === 'number') return Math.fround(v);
  return v;
}

describe('binary rows', () => {
  it('round-trips rows of every column type', () => {
    fc.assert(
      fc.property(fc.array(typedValue, { minLength: 1, maxLength: 12 }), (cells) => {
        const columns = cells.map(([c]) => c);
        const row = cells.map(([, v]) => v);
        const decoded = decodeBinaryRow(payloadOf((w) => encodeBinaryRow(w, row, columns)), columns);
        expect(decoded).toEqual(cells.map(([c, v]) => expected(c, v)));
      }),
      { numRuns: 300 },
    );
  });

  it('lays out the NULL bitmap at offset 2 and integers little-endian at their width', () => {
    const columns = [column('a', ColumnType.LONGLONG), column('b', ColumnType.TINY), column('c', ColumnType.SHORT), column('d', ColumnType.LONG), column('e', ColumnType.DOUBLE)];
    const bytes = payloadOf((w) => encodeBinaryRow(w, [null, -1n, 258n, 1n, 1], columns));
    expect(bytes.toString('hex')).toBe('00' + '04' + 'ff' + '0201' + '01000000' + '000000000000f03f');
  });

  it('writes dates and times as their shortest structs', () => {
    const cols = (type: ColumnType): ColumnInfo[] => [column('c', type)];
    const hex = (type: ColumnType, value: string): string => payloadOf((w) => encodeBinaryRow(w, [value], cols(type))).subarray(2).toString('hex');
    expect(hex(ColumnType.DATE, '2024-02-29')).toBe('04e807021d');
    expect(hex(ColumnType.DATETIME, '0000-00-00 00:00:00')).toBe('00');
    expect(hex(ColumnType.DATETIME, '2024-02-29 01:02:03')).toBe('07e807021d010203');
    expect(hex(ColumnType.TIMESTAMP, '2024-02-29 01:02:03.5')).toBe('0be807021d01020320a10700');
    expect(hex(ColumnType.TIME, '-25:00:01')).toBe('080101000000010001');
    expect(hex(ColumnType.TIME, '00:00:00')).toBe('00');
    expect(hex(ColumnType.TIME, '00:00:00.000001')).toBe('0c' + '00' + '00000000' + '000000' + '01000000');
  });

  it('converts canonical temporal texts to structs and back', () => {
    expect(parseDateTimeText('2024-02-29 23:59:58.12')).toEqual({ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58, microsecond: 120000 });
    expect(formatDateTimeText(parseDateTimeText('2024-02-29'), ColumnType.DATE)).toBe('2024-02-29');
    expect(formatDateTimeText(parseDateTimeText('2024-02-29'), ColumnType.DATETIME)).toBe('2024-02-29 00:00:00');
    expect(formatDateTimeText(parseDateTimeText('2024-02-29 00:00:00.5'), ColumnType.DATETIME, 3)).toBe('2024-02-29 00:00:00.500');
    expect(formatTimeText(parseTimeText('-838:59:59.000001'))).toBe('-838:59:59.000001');
    expect(() => parseDateTimeText('yesterday')).toThrow();
  });
});

describe('COM_STMT_EXECUTE', () => {
  const bound: fc.Arbitrary<[BoundParam, SqlValue]> = typedValue
    .map(([c, v]) => {
      const unsigned = (c.flags & ColumnFlag.UNSIGNED) !== 0;
      const param: BoundParam = { type: c.type, unsigned, value: v };
      let decoded: SqlValue = expected(c, v);
      if (c.type === ColumnType.BLOB && typeof v === 'string') decoded = Uint8Array.from(Buffer.from(v));
      // A parameter carries no column decimals: a zero fraction is sent as the short struct and
      // decodes without '.000000' (the same instant; the SQL layer applies the column's scale).
      if (c.type === ColumnType.DATETIME && typeof decoded === 'string') decoded = decoded.replace(/\.000000$/, '');
      return [param, decoded];
    });

  it('decodes every parameter type, NULLs from the bitmap', () => {
    fc.assert(
      fc.property(fc.array(bound, { maxLength: 20 }), u32, (params, statementId) => {
        const payload = payloadOf((w) => encodeStmtExecute(w, { statementId, flags: 0, iterationCount: 1 }, params.map(([p]) => p)));
        const r = new PayloadReader(payload);
        expect(decodeStmtExecuteHeader(r)).toEqual({ statementId, flags: 0, iterationCount: 1 });
        const decoded = decodeStmtExecuteParams(r, { paramCount: params.length, previousTypes: null, longData: new Map() });
        expect(decoded.values).toEqual(params.map(([, v]) => v));
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('reuses earlier types when the client does not rebind, and refuses when there are none', () => {
    const params: BoundParam[] = [{ type: ColumnType.LONGLONG, unsigned: true, value: 2n ** 64n - 1n }, { type: ColumnType.VAR_STRING, value: 'x' }];
    const first = payloadOf((w) => encodeStmtExecute(w, { statementId: 1, flags: 0, iterationCount: 1 }, params));
    const r1 = new PayloadReader(first);
    decodeStmtExecuteHeader(r1);
    const { types } = decodeStmtExecuteParams(r1, { paramCount: 2, previousTypes: null, longData: new Map() });
    const again = payloadOf((w) => encodeStmtExecute(w, { statementId: 1, flags: 0, iterationCount: 1 }, params, false));
    const r2 = new PayloadReader(again);
    decodeStmtExecuteHeader(r2);
    expect(decodeStmtExecuteParams(r2, { paramCount: 2, previousTypes: types, longData: new Map() }).values).toEqual([2n ** 64n - 1n, 'x']);
    const r3 = new PayloadReader(again);
    decodeStmtExecuteHeader(r3);
    expect(() => decodeStmtExecuteParams(r3, { paramCount: 2, previousTypes: null, longData: new Map() })).toThrow(expect.objectContaining({ errno: 1210 }));
  });

  it('takes long-data parameters from COM_STMT_SEND_LONG_DATA, not from the packet', () => {
    const payload = payloadOf((w) =>
      encodeStmtExecute(w, { statementId: 3, flags: 0, iterationCount: 1 }, [
        { type: ColumnType.BLOB, value: null },
        { type: ColumnType.VAR_STRING, value: null },
        { type: ColumnType.TINY, value: 5n },
      ]),
    );
    // Long-data parameters are flagged non-NULL by real clients; clear their NULL bits.
    const r = new PayloadReader(payload);
    decodeStmtExecuteHeader(r);
    const longData = new Map([[0, Buffer.from([1, 2])], [1, Buffer.from('ünï')]]);
    expect(decodeStmtExecuteParams(r, { paramCount: 3, previousTypes: null, longData }).values).toEqual([Uint8Array.of(1, 2), 'ünï', 5n]);
    const piece = { statementId: 3, paramIndex: 1, data: Buffer.from('abc') };
    expect(decodeStmtSendLongData(payloadOf((w) => encodeStmtSendLongData(w, piece)))).toEqual(piece);
  });

  it('fails with ProtocolError on truncated packets and unknown types', () => {
    fc.assert(
      fc.property(fc.array(bound, { minLength: 1, maxLength: 8 }), fc.nat(), (params, cutAt) => {
        const payload = payloadOf((w) => encodeStmtExecute(w, { statementId: 1, flags: 0, iterationCount: 1 }, params.map(([p]) => p)));
        const truncated = payload.subarray(0, cutAt % payload.length);
        try {
          const r = new PayloadReader(truncated);
          decodeStmtExecuteHeader(r);
          decodeStmtExecuteParams(r, { paramCount: params.length, previousTypes: null, longData: new Map() });
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
    const bogus = new PayloadReader(Buffer.from([0x17, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x42, 0, 0]));
    decodeStmtExecuteHeader(bogus);
    expect(() => decodeStmtExecuteParams(bogus, { paramCount: 1, previousTypes: null, longData: new Map() })).toThrow(ProtocolError);
  });
});
