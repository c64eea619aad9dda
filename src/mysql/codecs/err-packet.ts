/** Codec of ERR_Packet: errno, SQLSTATE and message, as stock clients expect them. */
import { Header } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** The fields of an ERR packet. */
export interface ErrPacket {
  readonly errno: number;
  /** Five characters, e.g. '42S02'. */
  readonly sqlState: string;
  readonly message: string;
}

const SQLSTATE_MARKER = 0x23; // '#'

/** Writes an ERR payload (protocol 4.1 layout, with the '#' SQLSTATE marker). */
export function encodeErr(w: PayloadWriter, err: ErrPacket): void {
  const sqlState = (err.sqlState + 'HY000').slice(0, 5);
  w.uint8(Header.ERR).uint16(err.errno).uint8(SQLSTATE_MARKER).string(sqlState).string(err.message);
}

/** Reads an ERR payload. */
export function decodeErr(payload: Buffer): ErrPacket {
  const r = new PayloadReader(payload);
  if (r.uint8() !== Header.ERR) throw new ProtocolError('malformed', 'not an ERR packet');
  const errno = r.uint16();
  let sqlState = 'HY000';
  if (r.remaining > 0 && payload[r.position] === SQLSTATE_MARKER) {
    r.skip(1);
    sqlState = r.bytes(5).toString('latin1');
  }
  return { errno, sqlState, message: r.rest().toString('utf8') };
}
