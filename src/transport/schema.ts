/**
 * The protobuf schema of node-to-node messages (`node-rpc.proto`), loaded with protobufjs.
 * The only file that imports protobufjs.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const protoPath = new URL('../../../src/transport/node-rpc.proto', import.meta.url);
const fallbackPath = new URL('./node-rpc.proto', import.meta.url);

function loadRoot(): protobuf.Root {
  let text: string;
  try {
    text = readFileSync(protoPath, 'utf8');
  } catch {
    text = readFileSync(fallbackPath, 'utf8');
  }
  return protobuf.parse(text, { keepCase: true }).root;
}

const root = loadRoot();

/** A message codec: encode to bytes and decode from bytes, checked against the schema. */
export interface MessageCodec<T> {
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

function codec<T>(name: string): MessageCodec<T> {
  const type = root.lookupType(name);
  return {
    encode: (message) => type.encode(type.fromObject(message as Record<string, unknown>)).finish(),
    decode: (bytes) => type.toObject(type.decode(bytes), { longs: String, defaults: true }) as T,
  };
}

export interface StatusResponse {
  readonly node_id: string;
  readonly version: string;
  /** Decimal text (protobuf uint64). */
  readonly uptime_ms: string;
  readonly sql_connections: number;
  /** Decimal text (protobuf uint64). */
  readonly max_commit_ts: string;
}

export const statusRequestCodec = codec<Record<string, never>>('atoll.node.StatusRequest');
export const statusResponseCodec = codec<StatusResponse>('atoll.node.StatusResponse');
