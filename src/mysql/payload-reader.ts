/**
 * Reads the fields of one packet payload: fixed-width little-endian integers,
 * length-encoded integers and strings, NUL-terminated strings. Reading past the end throws
 * a ProtocolError: a client's short packet is bad input, not a programmer error.
 */
import { ProtocolError } from './protocol-error.js';

/** A cursor over one payload. */
export class PayloadReader {
  private offset: number;
  constructor(
    private readonly payload: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.payload.length - this.offset;
  }

  /** Current position in the payload. */
  get position(): number {
    return this.offset;
  }

  private need(bytes: number, what: string): void {
    if (this.remaining < bytes) {
      throw new ProtocolError('malformed', `packet too short reading ${what}: need ${bytes} bytes, have ${this.remaining}`);
    }
  }

  /** Reads int<1>. */
  uint8(): number {
    this.need(1, 'int<1>');
    return this.payload[this.offset++]!;
  }

  /** Reads int<2>, little-endian. */
  uint16(): number {
    this.need(2, 'int<2>');
    const value = this.payload.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  /** Reads int<3>, little-endian. */
  uint24(): number {
    this.need(3, 'int<3>');
    const value = this.payload.readUIntLE(this.offset, 3);
    this.offset += 3;
    return value;
  }

  /** Reads int<4>, little-endian. */
  uint32(): number {
    this.need(4, 'int<4>');
    const value = this.payload.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  /** Reads int<8>, little-endian, unsigned. */
  uint64(): bigint {
    this.need(8, 'int<8>');
    const value = this.payload.readBigUInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  /** Reads a signed 1-byte integer. */
  int8(): number {
    this.need(1, 'int<1>');
    return this.payload.readInt8(this.offset++);
  }

  /** Reads a signed 2-byte integer. */
  int16(): number {
    this.need(2, 'int<2>');
    const value = this.payload.readInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  /** Reads a signed 4-byte integer. */
  int32(): number {
    this.need(4, 'int<4>');
    const value = this.payload.readInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  /** Reads a signed 8-byte integer. */
  int64(): bigint {
    this.need(8, 'int<8>');
    const value = this.payload.readBigInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  /** Reads an IEEE-754 single. */
  float32(): number {
    this.need(4, 'float');
    const value = this.payload.readFloatLE(this.offset);
    this.offset += 4;
    return value;
  }

  /** Reads an IEEE-754 double. */
  float64(): number {
    this.need(8, 'double');
    const value = this.payload.readDoubleLE(this.offset);
    this.offset += 8;
    return value;
  }

  /** A length-encoded integer; null for the 0xfb NULL marker. Values above 2^53 throw. */
  lenencIntOrNull(): number | null {
    const first = this.uint8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.uint16();
    if (first === 0xfd) return this.uint24();
    if (first === 0xfe) {
      const value = this.uint64();
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolError('malformed', 'length-encoded integer too large');
      return Number(value);
    }
    throw new ProtocolError('malformed', 'invalid length-encoded integer prefix 0xff');
  }

  /** A length-encoded integer that must not be NULL. */
  lenencInt(): number {
    const value = this.lenencIntOrNull();
    if (value === null) throw new ProtocolError('malformed', 'unexpected NULL length-encoded integer');
    return value;
  }

  /** `length` raw bytes (a view into the payload, not a copy). */
  bytes(length: number): Buffer {
    this.need(length, 'string<fix>');
    const value = this.payload.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A length-encoded byte string. */
  lenencBytes(): Buffer {
    return this.bytes(this.lenencInt());
  }

  /** A length-encoded UTF-8 string. */
  lenencString(): string {
    return this.lenencBytes().toString('utf8');
  }

  /** Bytes up to a NUL, which is consumed. */
  nulBytes(): Buffer {
    const end = this.payload.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolError('malformed', 'missing NUL terminator');
    const value = this.payload.subarray(this.offset, end);
    this.offset = end + 1;
    return value;
  }

  /** A NUL-terminated UTF-8 string. */
  nulString(): string {
    return this.nulBytes().toString('utf8');
  }

  /** A NUL-terminated UTF-8 string, or the rest of the payload when a lenient client left the NUL out. */
  nulStringOrRest(): string {
    return this.payload.indexOf(0, this.offset) < 0 ? this.rest().toString('utf8') : this.nulString();
  }

  /** Everything left in the payload. */
  rest(): Buffer {
    const value = this.payload.subarray(this.offset);
    this.offset = this.payload.length;
    return value;
  }

  /** Skips `length` bytes. */
  skip(length: number): void {
    this.need(length, 'filler');
    this.offset += length;
  }
}
