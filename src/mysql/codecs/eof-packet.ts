/** Codec of EOF_Packet, the terminator of column lists and rows for clients without CLIENT_DEPRECATE_EOF. */
import { Header } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** The fields of an EOF packet. */
export interface EofPacket {
  readonly warnings: number;
  readonly statusFlags: number;
}

/** Writes an EOF payload. */
export function encodeEof(w: PayloadWriter, eof: EofPacket): void {
  w.uint8(Header.EOF).uint16(eof.warnings).uint16(eof.statusFlags);
}

/** Reads an EOF payload (an EOF packet is shorter than 9 bytes, which tells it from a row). */
export function decodeEof(payload: Buffer): EofPacket {
  if (payload.length >= 9) throw new ProtocolError('malformed', 'not an EOF packet: too long');
  const r = new PayloadReader(payload);
  if (r.uint8() !== Header.EOF) throw new ProtocolError('malformed', 'not an EOF packet');
  return { warnings: r.uint16(), statusFlags: r.uint16() };
}
