/** Codec of the client's answer to the greeting, Protocol::HandshakeResponse41 (and SSLRequest). */
import { Capability } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** What the client asks for and who it says it is. */
export interface HandshakeResponse41 {
  readonly capabilities: number;
  readonly maxPacketBytes: number;
  readonly characterSet: number;
  readonly user: string;
  /** The plugin's answer to the scramble (empty for an empty password). */
  readonly authResponse: Buffer;
  /** Initial database when CLIENT_CONNECT_WITH_DB is set, else null. */
  readonly database: string | null;
  /** The plugin that computed `authResponse`, null when the client did not say. */
  readonly authPluginName: string | null;
  /** Connection attributes (CLIENT_CONNECT_ATTRS): _client_name, _os, program_name, … */
  readonly attributes: ReadonlyMap<string, string>;
}

const FIXED_PART_BYTES = 32;

/** True when `payload` is an SSLRequest (the fixed part alone, with CLIENT_SSL). */
export function isSslRequest(payload: Buffer): boolean {
  return payload.length === FIXED_PART_BYTES && payload.length >= 4 && (payload.readUInt32LE(0) & Capability.SSL) !== 0;
}

/** Reads a HandshakeResponse41 payload. */
export function decodeHandshakeResponse41(payload: Buffer): HandshakeResponse41 {
  const r = new PayloadReader(payload);
  const capabilities = r.uint32();
  if (!(capabilities & Capability.PROTOCOL_41)) {
    throw new ProtocolError('malformed', 'client does not speak protocol 4.1 (CLIENT_PROTOCOL_41 unset)');
  }
  const maxPacketBytes = r.uint32();
  const characterSet = r.uint8();
  r.skip(23);
  const user = r.nulString();
  const authResponse = Buffer.from(readAuthResponse(r, capabilities));
  const database = capabilities & Capability.CONNECT_WITH_DB && r.remaining > 0 ? r.nulStringOrRest() : null;
  const authPluginName = capabilities & Capability.PLUGIN_AUTH && r.remaining > 0 ? r.nulStringOrRest() : null;
  const attributes = capabilities & Capability.CONNECT_ATTRS && r.remaining > 0 ? readAttributes(r) : new Map<string, string>();
  return { capabilities, maxPacketBytes, characterSet, user, authResponse, database, authPluginName, attributes };
}

function readAuthResponse(r: PayloadReader, capabilities: number): Buffer {
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) return r.lenencBytes();
  if (capabilities & Capability.SECURE_CONNECTION) return r.bytes(r.uint8());
  return r.nulBytes();
}

function readAttributes(r: PayloadReader): Map<string, string> {
  const attributes = new Map<string, string>();
  const block = new PayloadReader(r.bytes(r.lenencInt()));
  while (block.remaining > 0) attributes.set(block.lenencString(), block.lenencString());
  return attributes;
}

/** Writes a HandshakeResponse41 payload (what a client does; used by tests). */
export function encodeHandshakeResponse41(w: PayloadWriter, h: HandshakeResponse41): void {
  w.uint32(h.capabilities).uint32(h.maxPacketBytes).uint8(h.characterSet).zeros(23).nulString(h.user);
  if (h.capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) w.lenencBytes(h.authResponse);
  else if (h.capabilities & Capability.SECURE_CONNECTION) w.uint8(h.authResponse.length).bytes(h.authResponse);
  else w.bytes(h.authResponse).uint8(0);
  if (h.capabilities & Capability.CONNECT_WITH_DB) w.nulString(h.database ?? '');
  if (h.capabilities & Capability.PLUGIN_AUTH) w.nulString(h.authPluginName ?? '');
  if (h.capabilities & Capability.CONNECT_ATTRS) {
    const block = new PayloadWriter(64);
    for (const [key, value] of h.attributes) block.lenencString(key).lenencString(value);
    w.lenencBytes(block.toBuffer());
  }
}
