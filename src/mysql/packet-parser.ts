/**
 * A push parser for the packet framing of the MySQL protocol; it knows nothing of sockets.
 * Each packet is a 3-byte little-endian payload length, a 1-byte sequence id and the
 * payload. A payload of exactly 2^24-1 bytes continues in the next packet; the parser joins
 * such fragments into one logical packet. Chunks may split packets at any byte.
 *
 * Invariants: a logical payload never exceeds `payloadBytesMax` (checked as soon as a header
 * arrives, before buffering the body); fragments of one logical packet carry consecutive
 * sequence ids. A violation throws a ProtocolError and the parser is dead from then on.
 */
import { assert } from '../base/assert.js';
import { PACKET_PAYLOAD_BYTES_MAX } from './protocol-constants.js';
import { ProtocolError } from './protocol-error.js';

/** One logical packet from a client. */
export interface Packet {
  /** Sequence id of the packet's last fragment: the server's reply continues from it + 1. */
  readonly sequenceId: number;
  readonly payload: Buffer;
}

const HEADER_BYTES = 4;

/** Splits a byte stream into packets. */
export class PacketParser {
  private readonly chunks: Buffer[] = [];
  private bufferedBytes = 0;
  /** Fragments of a logical packet larger than one frame, waiting for its last fragment. */
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private lastFragmentSequenceId = -1;
  private failed: ProtocolError | null = null;

  constructor(private readonly payloadBytesMax: number) {
    assert(payloadBytesMax > 0, 'payloadBytesMax must be positive');
  }

  /** Bytes held while waiting for the rest of a packet. */
  get pendingBytes(): number {
    return this.bufferedBytes + this.fragmentBytes;
  }

  /** Adds bytes from the stream; returns every packet they complete, in order. */
  push(chunk: Uint8Array): Packet[] {
    if (this.failed !== null) throw this.failed;
    if (chunk.length > 0) {
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      this.bufferedBytes += chunk.length;
    }
    const packets: Packet[] = [];
    try {
      for (;;) {
        const packet = this.nextPacket();
        if (packet === null) return packets;
        packets.push(packet);
      }
    } catch (error) {
      if (error instanceof ProtocolError) this.failed = error;
      throw error;
    }
  }

  private nextPacket(): Packet | null {
    for (;;) {
      if (this.bufferedBytes < HEADER_BYTES) return null;
      const header = this.peek(HEADER_BYTES);
      const payloadBytes = header.readUIntLE(0, 3);
      const sequenceId = header[3]!;
      this.checkFrame(payloadBytes, sequenceId);
      if (this.bufferedBytes < HEADER_BYTES + payloadBytes) return null;
      this.take(HEADER_BYTES);
      const body = this.take(payloadBytes);
      if (payloadBytes === PACKET_PAYLOAD_BYTES_MAX) {
        this.fragments.push(body);
        this.fragmentBytes += payloadBytes;
        this.lastFragmentSequenceId = sequenceId;
        continue;
      }
      return this.finishPacket(body, sequenceId);
    }
  }

  private checkFrame(payloadBytes: number, sequenceId: number): void {
    if (this.fragmentBytes + payloadBytes > this.payloadBytesMax) {
      throw new ProtocolError('too-large', `Got a packet bigger than 'max_allowed_packet' bytes (${this.payloadBytesMax})`, sequenceId);
    }
    if (this.lastFragmentSequenceId >= 0 && sequenceId !== ((this.lastFragmentSequenceId + 1) & 0xff)) {
      throw new ProtocolError(
        'out-of-order',
        `Got packets out of order: expected sequence id ${(this.lastFragmentSequenceId + 1) & 0xff}, got ${sequenceId}`,
        sequenceId,
      );
    }
  }

  private finishPacket(body: Buffer, sequenceId: number): Packet {
    if (this.fragments.length === 0) return { sequenceId, payload: body };
    this.fragments.push(body);
    const payload = Buffer.concat(this.fragments, this.fragmentBytes + body.length);
    this.fragments = [];
    this.fragmentBytes = 0;
    this.lastFragmentSequenceId = -1;
    return { sequenceId, payload };
  }

  /** The first `bytes` buffered bytes, without consuming them. */
  private peek(bytes: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= bytes) return first.subarray(0, bytes);
    const out = Buffer.allocUnsafe(bytes);
    let filled = 0;
    for (const chunk of this.chunks) {
      if (filled === bytes) break;
      filled += chunk.copy(out, filled, 0, Math.min(chunk.length, bytes - filled));
    }
    return out;
  }

  /** Consumes `bytes` buffered bytes; a view when they sit in one chunk, else one copy. */
  private take(bytes: number): Buffer {
    assert(bytes <= this.bufferedBytes, 'take beyond buffered bytes');
    this.bufferedBytes -= bytes;
    if (bytes === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    if (first.length > bytes) {
      this.chunks[0] = first.subarray(bytes);
      return first.subarray(0, bytes);
    }
    if (first.length === bytes) {
      this.chunks.shift();
      return first;
    }
    return this.takeAcrossChunks(bytes);
  }

  private takeAcrossChunks(bytes: number): Buffer {
    const out = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, bytes - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}
