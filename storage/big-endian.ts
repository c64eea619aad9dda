/**
 * Big-endian u32 written and read byte by byte: no DataView, which would move a small array's
 * buffer off the V8 heap (see DESIGN.md, "Append hot path").
 */

/** Writes `n` (0 ≤ n < 2^32) at `at`. */
export function writeU32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

/** Reads the u32 at `at`. */
export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}
