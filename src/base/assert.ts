/**
 * Assertions for programmer errors. They stay on in production (TigerBeetle style):
 * a broken invariant stops the process rather than letting it serve bad data.
 */

/** Thrown when an invariant does not hold. Never caught to carry on; only logged at the top. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** Stops with an AssertionError when `condition` is false. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks a `switch` as exhaustive: the compiler proves `value` can not exist. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
