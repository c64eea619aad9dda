/**
 * Who may connect, and the two password plugins' scramble checks. The server never holds a
 * password, only the hashes each plugin needs:
 *
 *   mysql_native_password   stored SHA1(SHA1(pw)); the client sends
 *                           SHA1(pw) XOR SHA1(nonce || SHA1(SHA1(pw)))
 *   caching_sha2_password   stored SHA256(SHA256(pw)); the client sends (fast path)
 *                           SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || nonce)
 *
 * In both, the server recovers the client's SHA(pw) candidate with the stored hash and checks
 * that hashing it gives the stored hash. An empty stored hash means "no password": only an
 * empty response matches it.
 */
import { createHash, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';

/** The hashes of one account. A zero-length hash means the account has no password. */
export interface UserCredentials {
  /** SHA1(SHA1(password)) for mysql_native_password. */
  readonly nativeHash?: Buffer;
  /** SHA256(SHA256(password)) for caching_sha2_password. */
  readonly sha2Hash?: Buffer;
}

/** Looks accounts up by user name. */
export interface UserDirectory {
  /** The account's credentials, or undefined when there is no such user. */
  lookup(user: string): UserCredentials | undefined;
}

const sha1 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i % b.length]!;
  return out;
}

/** Credentials for a plain-text password (both plugins' hashes; empty for ''). */
export function credentialsFor(password: string): UserCredentials {
  if (password === '') return { nativeHash: Buffer.alloc(0), sha2Hash: Buffer.alloc(0) };
  const pw = Buffer.from(password, 'utf8');
  return { nativeHash: sha1(sha1(pw)), sha2Hash: sha256(sha256(pw)) };
}

/** A directory of fixed users, e.g. `staticUsers({ root: '' })`. */
export function staticUsers(passwords: Readonly<Record<string, string>>): UserDirectory {
  const accounts = new Map<string, UserCredentials>();
  for (const [user, password] of Object.entries(passwords)) accounts.set(user, credentialsFor(password));
  return { lookup: (user) => accounts.get(user) };
}

/** The mysql_native_password response a client computes (used by tests and checks). */
export function nativeScramble(password: string, nonce: Uint8Array): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  return xor(stage1, sha1(nonce, sha1(stage1)));
}

/** The caching_sha2_password fast-path response a client computes (used by tests). */
export function cachingSha2Scramble(password: string, nonce: Uint8Array): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  return xor(stage1, sha256(sha256(stage1), nonce));
}

/** Checks a mysql_native_password response against SHA1(SHA1(pw)). */
export function verifyNativeScramble(storedHash: Buffer, nonce: Uint8Array, response: Buffer): boolean {
  if (storedHash.length === 0 || response.length === 0) return storedHash.length === 0 && response.length === 0;
  if (response.length !== 20 || storedHash.length !== 20) return false;
  const candidateStage1 = xor(response, sha1(nonce, storedHash));
  return timingSafeEqual(sha1(candidateStage1), storedHash);
}

/** Checks a caching_sha2_password fast-path response against SHA256(SHA256(pw)). */
export function verifyCachingSha2Scramble(storedHash: Buffer, nonce: Uint8Array, response: Buffer): boolean {
  if (storedHash.length === 0 || response.length === 0) return storedHash.length === 0 && response.length === 0;
  if (response.length !== 32 || storedHash.length !== 32) return false;
  const candidateStage1 = xor(response, sha256(storedHash, nonce));
  return timingSafeEqual(sha256(candidateStage1), storedHash);
}

/** Bytes of a nonce: 7-bit, never NUL or '$' (clients treat the scramble as a C string). */
export function makeNonce(bytes: number, randomBytes: (n: number) => Buffer = cryptoRandomBytes): Buffer {
  const nonce = randomBytes(bytes);
  for (let i = 0; i < nonce.length; i++) {
    let b = nonce[i]! & 0x7f;
    if (b === 0 || b === 0x24) b += 1;
    nonce[i] = b;
  }
  return nonce;
}
