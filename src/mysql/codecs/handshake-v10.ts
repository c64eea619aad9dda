/** Codec of the server's first packet, Protocol::HandshakeV10. */
import { Capability } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** The greeting: who the server is, what it can do, and the nonce for authentication. */
export interface HandshakeV10 {
  readonly serverVersion: string;
  readonly connectionId: number;
  /** The scramble (nonce), 20 bytes for both supported plugins. */
  readonly authPluginData: Buffer;
  readonly capabilities: number;
  /** Default collation id of the server. */
  readonly characterSet: number;
  readonly statusFlags: number;
  readonly authPluginName: string;
}

const PROTOCOL_VERSION = 10;
const PART1_BYTES = 8;

/** Writes a HandshakeV10 payload. */
export function encodeHandshakeV10(w: PayloadWriter, h: HandshakeV10): void {
  const data = h.authPluginData;
  w.uint8(PROTOCOL_VERSION).nulString(h.serverVersion).uint32(h.connectionId);
  w.bytes(data.subarray(0, PART1_BYTES)).uint8(0);
  w.uint16(h.capabilities & 0xffff).uint8(h.characterSet).uint16(h.statusFlags).uint16(h.capabilities >>> 16);
  w.uint8(h.capabilities & Capability.PLUGIN_AUTH ? data.length + 1 : 0).zeros(10);
  if (h.capabilities & Capability.SECURE_CONNECTION) {
    // Part 2 is max(13, length - 8) bytes: the rest of the scramble and a NUL.
    const part2 = data.subarray(PART1_BYTES);
    w.bytes(part2).zeros(Math.max(13, part2.length + 1) - part2.length);
  }
  if (h.capabilities & Capability.PLUGIN_AUTH) w.nulString(h.authPluginName);
}

/** Reads a HandshakeV10 payload (what a client does; used by tests). */
export function decodeHandshakeV10(payload: Buffer): HandshakeV10 {
  const r = new PayloadReader(payload);
  const version = r.uint8();
  if (version !== PROTOCOL_VERSION) throw new ProtocolError('malformed', `unsupported handshake protocol version ${version}`);
  const serverVersion = r.nulString();
  const connectionId = r.uint32();
  const part1 = r.bytes(PART1_BYTES);
  r.skip(1);
  const capsLow = r.uint16();
  const characterSet = r.uint8();
  const statusFlags = r.uint16();
  const capabilities = (capsLow | (r.uint16() << 16)) >>> 0;
  const dataBytes = r.uint8();
  r.skip(10);
  let authPluginData = Buffer.from(part1);
  if (capabilities & Capability.SECURE_CONNECTION) {
    const part2 = r.bytes(Math.max(13, dataBytes - PART1_BYTES));
    const end = part2.indexOf(0);
    authPluginData = Buffer.concat([part1, end < 0 ? part2 : part2.subarray(0, end)]);
  }
  const authPluginName = capabilities & Capability.PLUGIN_AUTH ? r.nulStringOrRest() : '';
  return { serverVersion, connectionId, authPluginData, capabilities, characterSet, statusFlags, authPluginName };
}
