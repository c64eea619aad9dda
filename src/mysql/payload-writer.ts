/**
 * Builds the bytes the server sends: payload fields and, around them, packet headers with
 * sequence ids. A whole response (a result set, every result of a multi-statement query) is
 * built in one growing buffer and handed to the socket in one write: writing packet by
 * packet was measured ~3x slower (shared/DESIGN.md).
 */
import { assert } from '../base/assert.js';
import { PACKET_PAYLOAD_BYTES_MAX } from './protocol-constants.js';

// Small enough for Buffer.allocUnsafe to carve it from its shared pool; grows by doubling.
const INITIAL_BYTES = 2048;

/** Writes payload fields into a growing buffer. */
export class PayloadWriter {
  protected buffer: Buffer;
  protected length = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.length;
  }

  protected ensure(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Writes int<1>. */
  uint8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  /** Writes int<2>, little-endian. */
  uint16(value: number): this {
    this.ensure(2);
    this.buffer.writeUInt16LE(value & 0xffff, this.length);
    this.length += 2;
    return this;
  }

  /** Writes int<3>, little-endian. */
  uint24(value: number): this {
    this.ensure(3);
    this.buffer.writeUIntLE(value & 0xffffff, this.length, 3);
    this.length += 3;
    return this;
  }

  /** Writes int<4>, little-endian. */
  uint32(value: number): this {
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.length);
    this.length += 4;
    return this;
  }

  /** 8 bytes, two's complement of `value` modulo 2^64 (so signed and unsigned both fit). */
  uint64(value: bigint): this {
    this.ensure(8);
    this.buffer.writeBigUInt64LE(BigInt.asUintN(64, value), this.length);
    this.length += 8;
    return this;
  }

  /** Writes an IEEE-754 single. */
  float32(value: number): this {
    this.ensure(4);
    this.buffer.writeFloatLE(value, this.length);
    this.length += 4;
    return this;
  }

  /** Writes an IEEE-754 double. */
  float64(value: number): this {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
    return this;
  }

  /** A length-encoded integer (1, 3, 4 or 9 bytes). */
  lenencInt(value: number | bigint): this {
    const n = typeof value === 'bigint' ? value : BigInt(value);
    assert(n >= 0n, 'length-encoded integers are unsigned');
    if (n < 0xfbn) return this.uint8(Number(n));
    if (n <= 0xffffn) return this.uint8(0xfc).uint16(Number(n));
    if (n <= 0xffffffn) return this.uint8(0xfd).uint24(Number(n));
    return this.uint8(0xfe).uint64(n);
  }

  /** The 0xfb NULL marker of text rows. */
  lenencNull(): this {
    return this.uint8(0xfb);
  }

  /** Writes raw bytes. */
  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** UTF-8 text without a length prefix. */
  string(value: string): this {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.ensure(bytes);
    this.buffer.write(value, this.length, 'utf8');
    this.length += bytes;
    return this;
  }

  /** Writes a length-encoded byte string. */
  lenencBytes(value: Uint8Array): this {
    return this.lenencInt(value.length).bytes(value);
  }

  /** Writes a length-encoded UTF-8 string. */
  lenencString(value: string): this {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.lenencInt(bytes).ensure(bytes);
    this.buffer.write(value, this.length, 'utf8');
    this.length += bytes;
    return this;
  }

  /** Writes a NUL-terminated UTF-8 string. */
  nulString(value: string): this {
    return this.string(value).uint8(0);
  }

  /** Writes `count` zero bytes (fillers). */
  zeros(count: number): this {
    this.ensure(count);
    this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
    return this;
  }

  /** A copy of the bytes written. */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

/** Writes whole packets: a 4-byte header (3-byte length, sequence id) before each payload. */
export class PacketWriter extends PayloadWriter {
  private packetStart = -1;
  /** Sequence id of the next packet written. */
  sequenceId: number;

  constructor(firstSequenceId: number, initialBytes = INITIAL_BYTES) {
    super(initialBytes);
    this.sequenceId = firstSequenceId & 0xff;
  }

  /** Writes one packet whose payload `fill` writes. */
  packet(fill: (payload: PayloadWriter) => void): this {
    this.begin();
    fill(this);
    this.end();
    return this;
  }

  private begin(): void {
    assert(this.packetStart < 0, 'packet already open');
    this.packetStart = this.length;
    this.zeros(4);
  }

  private end(): void {
    assert(this.packetStart >= 0, 'no open packet');
    const start = this.packetStart;
    this.packetStart = -1;
    const payloadBytes = this.length - start - 4;
    if (payloadBytes < PACKET_PAYLOAD_BYTES_MAX) {
      this.buffer.writeUIntLE(payloadBytes, start, 3);
      this.buffer[start + 3] = this.sequenceId;
      this.sequenceId = (this.sequenceId + 1) & 0xff;
      return;
    }
    this.splitLargePayload(start, payloadBytes);
  }

  /** A payload of 2^24-1 bytes or more goes out as several packets, the last one shorter. */
  private splitLargePayload(start: number, payloadBytes: number): void {
    const payload = Buffer.from(this.buffer.subarray(start + 4, start + 4 + payloadBytes));
    this.length = start;
    let offset = 0;
    for (;;) {
      const chunk = Math.min(PACKET_PAYLOAD_BYTES_MAX, payload.length - offset);
      this.uint24(chunk).uint8(this.sequenceId);
      this.sequenceId = (this.sequenceId + 1) & 0xff;
      this.bytes(payload.subarray(offset, offset + chunk));
      offset += chunk;
      if (chunk < PACKET_PAYLOAD_BYTES_MAX) return;
    }
  }

  /** The framed bytes, ready for one socket write: a view, so write nothing more afterwards. */
  override toBuffer(): Buffer {
    assert(this.packetStart < 0, 'packet still open');
    return this.buffer.subarray(0, this.length);
  }
}

/** The payload bytes `fill` writes (for codecs used outside a PacketWriter, and tests). */
export function payloadOf(fill: (payload: PayloadWriter) => void): Buffer {
  const writer = new PayloadWriter(256);
  fill(writer);
  return writer.toBuffer();
}
