/**
 * Codec of COM_CHANGE_USER: re-authenticate as another user on the same connection. The
 * auth response is computed over the greeting's nonce; the fields after the database are
 * optional, present according to the negotiated capabilities.
 */
import { Capability, Command } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';
import type { HandshakeResponse41 } from './handshake-response41.js';

/**
 * Reads COM_CHANGE_USER into the shape of a handshake response (capabilities are the
 * connection's negotiated ones; `maxPacketBytes` is 0, as the command does not carry it).
 */
export function decodeComChangeUser(payload: Buffer, capabilities: number): HandshakeResponse41 {
  const r = new PayloadReader(payload);
  if (r.uint8() !== Command.CHANGE_USER) throw new ProtocolError('malformed', 'not a COM_CHANGE_USER packet');
  const user = r.nulString();
  const authResponse = Buffer.from(capabilities & Capability.SECURE_CONNECTION ? r.bytes(r.uint8()) : r.nulBytes());
  const databaseText = r.remaining > 0 ? r.nulStringOrRest() : '';
  const characterSet = r.remaining >= 2 ? r.uint16() : 45;
  const authPluginName = capabilities & Capability.PLUGIN_AUTH && r.remaining > 0 ? r.nulStringOrRest() : null;
  const attributes = new Map<string, string>();
  if (capabilities & Capability.CONNECT_ATTRS && r.remaining > 0) {
    const block = new PayloadReader(r.bytes(r.lenencInt()));
    while (block.remaining > 0) attributes.set(block.lenencString(), block.lenencString());
  }
  const database = databaseText === '' ? null : databaseText;
  return { capabilities, maxPacketBytes: 0, characterSet, user, authResponse, database, authPluginName, attributes };
}

/** Writes COM_CHANGE_USER (what a client does; used by tests). */
export function encodeComChangeUser(w: PayloadWriter, request: HandshakeResponse41): void {
  const caps = request.capabilities;
  w.uint8(Command.CHANGE_USER).nulString(request.user);
  if (caps & Capability.SECURE_CONNECTION) w.uint8(request.authResponse.length).bytes(request.authResponse);
  else w.bytes(request.authResponse).uint8(0);
  w.nulString(request.database ?? '').uint16(request.characterSet);
  if (caps & Capability.PLUGIN_AUTH) w.nulString(request.authPluginName ?? '');
  if (caps & Capability.CONNECT_ATTRS) {
    const block = new PayloadWriter(64);
    for (const [key, value] of request.attributes) block.lenencString(key).lenencString(value);
    w.lenencBytes(block.toBuffer());
  }
}
