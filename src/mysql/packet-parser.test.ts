/**
 * Proves the packet parser is a correct, total function of its input: random bytes never
 * make it throw anything but a ProtocolError; a valid packet stream cut into chunks at random
 * boundaries parses to the same packets as the whole stream; payloads of 2^24-1 bytes and
 * more are joined across frames; the size limit and fragment ordering are enforced.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketParser, type Packet } from './packet-parser.js';
import { PacketWriter } from './payload-writer.js';
import { PACKET_PAYLOAD_BYTES_MAX } from './protocol-constants.js';
import { ProtocolError } from './protocol-error.js';

/** Frames payloads with consecutive sequence ids from `firstSeq`. */
function frame(payloads: readonly Uint8Array[], firstSeq = 0): Buffer {
  const w = new PacketWriter(firstSeq, 64);
  for (const payload of payloads) w.packet((p) => p.bytes(payload));
  return Buffer.from(w.toBuffer());
}

/** Cuts `bytes` at the given (sorted, deduplicated) offsets. */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function parseAll(parser: PacketParser, chunks: readonly Buffer[]): Packet[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

const simplify = (packets: readonly Packet[]): { seq: number; payload: string }[] =>
  packets.map((p) => ({ seq: p.sequenceId, payload: p.payload.toString('hex') }));

describe('PacketParser', () => {
  it('never throws anything but a ProtocolError on random bytes, and stays failed after one', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), fc.integer({ min: 1, max: 1 << 20 }), (chunks, limit) => {
        const parser = new PacketParser(limit);
        for (const chunk of chunks) {
          try {
            for (const packet of parser.push(chunk)) expect(packet.payload.length).toBeLessThanOrEqual(limit);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
            expect(() => parser.push(Buffer.of(1))).toThrow(ProtocolError);
            return;
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('parses a valid stream identically however it is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.nat(255),
        (payloads, offsets, firstSeq) => {
          const stream = frame(payloads, firstSeq);
          const whole = new PacketParser(1024).push(stream);
          const chunked = parseAll(new PacketParser(1024), cut(stream, offsets));
          expect(simplify(chunked)).toEqual(simplify(whole));
          expect(whole.map((p) => Buffer.from(p.payload))).toEqual(payloads.map((p) => Buffer.from(p)));
          expect(whole.map((p) => p.sequenceId)).toEqual(payloads.map((_, i) => (firstSeq + i) & 0xff));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parses byte-by-byte feeding', () => {
    const stream = frame([Buffer.from('hello'), Buffer.alloc(0), Buffer.from([3, 1, 2])]);
    const parser = new PacketParser(100);
    const packets = [...stream].flatMap((b) => parser.push(Buffer.of(b)));
    expect(packets.map((p) => p.payload.toString('hex'))).toEqual(['68656c6c6f', '', '030102']);
    expect(parser.pendingBytes).toBe(0);
  });

  it('joins payloads of 2^24-1 bytes and more across frames, exactly at the boundary too', () => {
    for (const size of [PACKET_PAYLOAD_BYTES_MAX, PACKET_PAYLOAD_BYTES_MAX + 5]) {
      const payload = Buffer.alloc(size, 0x5a);
      payload[0] = 1;
      payload[size - 1] = 2;
      const stream = frame([payload, Buffer.from('next')], 7);
      // A maximal payload is followed by an empty frame, a larger one by its remainder.
      expect(stream.length).toBe(size + 4 * 2 + 4 + 4);
      const packets = parseAll(new PacketParser(32 * 1024 * 1024), cut(stream, [3, 100_000, 16_777_000, 16_777_219, 16_777_222]));
      expect(packets).toHaveLength(2);
      expect(packets[0]!.payload.equals(payload)).toBe(true);
      expect(packets[0]!.sequenceId).toBe(8);
      expect(packets[1]!.sequenceId).toBe(9);
      expect(packets[1]!.payload.toString()).toBe('next');
    }
  });

  it('rejects an oversized packet as soon as its header arrives', () => {
    const parser = new PacketParser(10);
    expect(parser.push(frame([Buffer.alloc(10)]))).toHaveLength(1);
    const header = Buffer.from([11, 0, 0, 0]);
    expect(() => parser.push(header)).toThrow(expect.objectContaining({ reason: 'too-large', errno: 1153 }));
  });

  it('counts every fragment of a multi-frame payload against the limit', () => {
    const parser = new PacketParser(PACKET_PAYLOAD_BYTES_MAX + 10);
    const first = Buffer.alloc(4 + PACKET_PAYLOAD_BYTES_MAX);
    first.writeUIntLE(PACKET_PAYLOAD_BYTES_MAX, 0, 3);
    expect(parser.push(first)).toEqual([]);
    expect(() => parser.push(Buffer.from([11, 0, 0, 1]))).toThrow(expect.objectContaining({ reason: 'too-large' }));
  });

  it('rejects fragments of one payload whose sequence ids are not consecutive', () => {
    const parser = new PacketParser(PACKET_PAYLOAD_BYTES_MAX + 10);
    const first = Buffer.alloc(4 + PACKET_PAYLOAD_BYTES_MAX);
    first.writeUIntLE(PACKET_PAYLOAD_BYTES_MAX, 0, 3);
    first[3] = 4;
    parser.push(first);
    expect(() => parser.push(Buffer.from([1, 0, 0, 9, 0]))).toThrow(expect.objectContaining({ reason: 'out-of-order' }));
  });
});
