/**
 * Codec of OK_Packet: a command succeeded. With CLIENT_DEPRECATE_EOF the same layout with a
 * 0xfe header ends a result set in place of EOF_Packet.
 */
import { Header } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** The fields of an OK packet. */
export interface OkPacket {
  /** 0x00, or 0xfe when the packet ends a result set under CLIENT_DEPRECATE_EOF. */
  readonly header: typeof Header.OK | typeof Header.EOF;
  readonly affectedRows: bigint;
  readonly lastInsertId: bigint;
  readonly statusFlags: number;
  readonly warnings: number;
  readonly info: string;
}

/** Writes an OK payload for a client that negotiated `capabilities`. */
export function encodeOk(w: PayloadWriter, ok: OkPacket, capabilities: number): void {
  w.uint8(ok.header).lenencInt(ok.affectedRows).lenencInt(ok.lastInsertId).uint16(ok.statusFlags).uint16(ok.warnings);
  // The protocol docs say string<EOF> without CLIENT_SESSION_TRACK, but MySQL's server writes
  // a length-encoded string either way (net_store_data) and libmariadb reads one: a bare
  // string makes the mariadb client fail with 2027 "Received malformed packet".
  if (ok.info !== '') w.lenencString(ok.info);
  void capabilities; // kept in the signature: session-state tracking will append after info
}

/** Reads an OK payload. */
export function decodeOk(payload: Buffer, capabilities: number): OkPacket {
  const r = new PayloadReader(payload);
  const header = r.uint8();
  if (header !== Header.OK && header !== Header.EOF) throw new ProtocolError('malformed', 'not an OK packet');
  const affectedRows = readLenencBigInt(r);
  const lastInsertId = readLenencBigInt(r);
  const statusFlags = r.uint16();
  const warnings = r.uint16();
  let info = '';
  if (r.remaining > 0) info = r.lenencString();
  void capabilities; // kept in the signature: session-state tracking will append after info
  return { header, affectedRows, lastInsertId, statusFlags, warnings, info };
}

function readLenencBigInt(r: PayloadReader): bigint {
  const first = r.uint8();
  if (first < 0xfb) return BigInt(first);
  if (first === 0xfc) return BigInt(r.uint16());
  if (first === 0xfd) return BigInt(r.uint24());
  if (first === 0xfe) return r.uint64();
  throw new ProtocolError('malformed', `invalid length-encoded integer prefix 0x${first.toString(16)}`);
}
