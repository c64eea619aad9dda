/**
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78), hand-written with slicing-by-4 tables.
 * It guards every stored value: a mismatch on read means the disk or a bug changed bytes.
 */

const POLY = 0x82f63b78;
const TABLES: readonly Uint32Array[] = buildTables();

function buildTables(): Uint32Array[] {
  const tables = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const t0 = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 4; t++) {
      const prev = tables[t - 1]![n]!;
      tables[t]![n] = ((prev >>> 8) ^ t0[prev & 0xff]!) >>> 0;
    }
  }
  return tables;
}

const [t0, t1, t2, t3] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/**
 * Extends a running CRC32C `crc` (start with 0) over bytes[start, end); returns the unsigned
 * 32-bit result. Chaining is exact: crc32c(b, crc32c(a)) equals crc32c of a followed by b.
 * Offsets instead of `subarray` keep the hot read path free of allocations.
 */
export function crc32c(bytes: Uint8Array, crc = 0, start = 0, end = bytes.length): number {
  let c = ~crc >>> 0;
  let i = start;
  const n4 = end - ((end - start) & 3);
  for (; i < n4; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < end; i++) c = t0[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
