/**
 * Codecs of the authentication exchange after the greeting: AuthSwitchRequest (the server
 * asks for another plugin, with a fresh nonce) and AuthMoreData (a plugin's extra round,
 * e.g. caching_sha2_password's "fast auth success").
 */
import { Header } from '../protocol-constants.js';
import { PayloadReader } from '../payload-reader.js';
import type { PayloadWriter } from '../payload-writer.js';
import { ProtocolError } from '../protocol-error.js';

/** The server asks the client to authenticate again with `pluginName`. */
export interface AuthSwitchRequest {
  readonly pluginName: string;
  /** The nonce for the new plugin (sent followed by a NUL, as MySQL does). */
  readonly pluginData: Buffer;
}

/** Writes an AuthSwitchRequest payload. */
export function encodeAuthSwitchRequest(w: PayloadWriter, request: AuthSwitchRequest): void {
  w.uint8(Header.AUTH_SWITCH).nulString(request.pluginName).bytes(request.pluginData).uint8(0);
}

/** Reads an AuthSwitchRequest payload (what a client does; used by tests). */
export function decodeAuthSwitchRequest(payload: Buffer): AuthSwitchRequest {
  const r = new PayloadReader(payload);
  if (r.uint8() !== Header.AUTH_SWITCH) throw new ProtocolError('malformed', 'not an AuthSwitchRequest');
  const pluginName = r.nulString();
  const rest = r.rest();
  const pluginData = rest.length > 0 && rest[rest.length - 1] === 0 ? rest.subarray(0, rest.length - 1) : rest;
  return { pluginName, pluginData: Buffer.from(pluginData) };
}

/** caching_sha2_password's status bytes sent in AuthMoreData. */
export const CachingSha2Status = {
  FAST_AUTH_SUCCESS: 0x03,
  PERFORM_FULL_AUTHENTICATION: 0x04,
} as const;

/** Writes an AuthMoreData payload. */
export function encodeAuthMoreData(w: PayloadWriter, data: Uint8Array): void {
  w.uint8(Header.AUTH_MORE_DATA).bytes(data);
}

/** Reads an AuthMoreData payload. */
export function decodeAuthMoreData(payload: Buffer): Buffer {
  const r = new PayloadReader(payload);
  if (r.uint8() !== Header.AUTH_MORE_DATA) throw new ProtocolError('malformed', 'not an AuthMoreData packet');
  return Buffer.from(r.rest());
}
