/** Keys and values the SIGKILL crash test writes, shared by the child and the checker. */

/** Raft groups the child appends to. */
export const CRASH_TEST_GROUPS = 3;
/** Keys every commit overwrites in turn (ts mod this). */
export const CRASH_TEST_HOT_KEYS = 4;

/** The user key for `name`. */
export function crashTestKey(name: string): Uint8Array {
  return new TextEncoder().encode(name);
}

/** The value written at commit timestamp `ts` (long enough to span bytes, unique per ts). */
export function crashTestValue(ts: bigint): Uint8Array {
  return new TextEncoder().encode(`value-${ts}-${'x'.repeat(Number(ts % 50n))}`);
}
