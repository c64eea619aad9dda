/**
 * Proves the slab allocator hands out zero-filled, non-overlapping arrays of the asked length —
 * neighbours in one slab, a fresh slab when one is full, large ones on their own — so a queued
 * write's bytes are never overwritten by a later allocation.
 */
import { describe, expect, it } from 'vitest';
import { ByteSlab } from './byte-slab.js';

describe('ByteSlab', () => {
  it('gives disjoint zero-filled arrays that later writes do not touch', () => {
    const slab = new ByteSlab();
    const arrays: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = slab.alloc(1 + (i % 300));
      expect(a.length).toBe(1 + (i % 300));
      expect(a.every((b) => b === 0)).toBe(true);
      a.fill(i & 0xff);
      arrays.push(a);
    }
    arrays.forEach((a, i) => expect(a.every((b) => b === (i & 0xff))).toBe(true));
    // Small arrays share buffers: 2000 of up to 300 bytes fit in far fewer than 2000 slabs.
    expect(new Set(arrays.map((a) => a.buffer)).size).toBeLessThan(20);
  });

  it('gives a large array a buffer of its own and refuses a bad length', () => {
    const slab = new ByteSlab();
    const big = slab.alloc(100_000);
    expect(big.length).toBe(100_000);
    expect(big.byteOffset).toBe(0);
    expect(() => slab.alloc(-1)).toThrow(/bad length/);
  });
});
