/**
 * Proves the password checks: a client's scramble (computed as mysql2 and libmysql compute
 * it) verifies against the stored double hash for both plugins, any other password or nonce
 * fails, empty passwords match only empty responses, and the dialogue picks the plugin the
 * account can verify, switching or refusing as MySQL does.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthExchange } from './auth-exchange.js';
import {
  cachingSha2Scramble,
  credentialsFor,
  makeNonce,
  nativeScramble,
  staticUsers,
  verifyCachingSha2Scramble,
  verifyNativeScramble,
} from './auth.js';
import type { HandshakeResponse41 } from './codecs/handshake-response41.js';
import { AuthPlugin, Capability } from './protocol-constants.js';

const require = createRequire(import.meta.url);
const mysql2Auth41 = require(require.resolve('mysql2').replace(/index\.js$/, 'lib/auth_41.js')) as { calculateToken(password: string, scramble1: Buffer, scramble2: Buffer): Buffer };
const password = fc.string({ minLength: 1, maxLength: 30 });
const nonce = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b));

describe('scramble verification', () => {
  it('accepts the right password for both plugins and rejects others', () => {
    fc.assert(
      fc.property(password, password, nonce, nonce, (pw, other, n, otherNonce) => {
        const creds = credentialsFor(pw);
        expect(verifyNativeScramble(creds.nativeHash!, n, nativeScramble(pw, n))).toBe(true);
        expect(verifyCachingSha2Scramble(creds.sha2Hash!, n, cachingSha2Scramble(pw, n))).toBe(true);
        if (other !== pw) {
          expect(verifyNativeScramble(creds.nativeHash!, n, nativeScramble(other, n))).toBe(false);
          expect(verifyCachingSha2Scramble(creds.sha2Hash!, n, cachingSha2Scramble(other, n))).toBe(false);
        }
        if (!otherNonce.equals(n)) expect(verifyNativeScramble(creds.nativeHash!, n, nativeScramble(pw, otherNonce))).toBe(false);
        expect(verifyNativeScramble(creds.nativeHash!, n, Buffer.alloc(0))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('matches the mysql_native_password token mysql2 computes', () => {
    const n = makeNonce(20);
    expect(nativeScramble('s3cret', n)).toEqual(mysql2Auth41.calculateToken('s3cret', n.subarray(0, 8), n.subarray(8)));
  });

  it('treats an empty stored hash as "no password"', () => {
    const creds = credentialsFor('');
    expect(verifyNativeScramble(creds.nativeHash!, makeNonce(20), Buffer.alloc(0))).toBe(true);
    expect(verifyCachingSha2Scramble(creds.sha2Hash!, makeNonce(20), Buffer.alloc(0))).toBe(true);
    const n = makeNonce(20);
    expect(verifyNativeScramble(creds.nativeHash!, n, nativeScramble('x', n))).toBe(false);
  });

  it('makes 7-bit nonces without NUL or $', () => {
    const n = makeNonce(1000, (count) => Buffer.alloc(count, 0x80 | 0x24));
    expect([...n].every((b) => b !== 0 && b !== 0x24 && b < 0x80)).toBe(true);
  });
});

describe('AuthExchange', () => {
  const caps = Capability.PROTOCOL_41 | Capability.SECURE_CONNECTION | Capability.PLUGIN_AUTH | Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA;
  const response = (user: string, authResponse: Buffer, authPluginName: string | null, capabilities = caps): HandshakeResponse41 => ({
    capabilities,
    maxPacketBytes: 0,
    characterSet: 45,
    user,
    authResponse,
    database: null,
    authPluginName,
    attributes: new Map(),
  });
  const greeting = Buffer.alloc(20, 7);
  const switchNonce = Buffer.alloc(20, 9);
  const exchange = (users = staticUsers({ bob: 'pw' })): AuthExchange => new AuthExchange(users, 'localhost', greeting, () => switchNonce);

  it('verifies directly with the plugin the client used', () => {
    expect(exchange().onHandshakeResponse(response('bob', cachingSha2Scramble('pw', greeting), AuthPlugin.CACHING_SHA2), AuthPlugin.CACHING_SHA2)).toEqual({
      kind: 'success',
      fastAuthSuccess: true,
    });
    expect(exchange().onHandshakeResponse(response('bob', nativeScramble('pw', greeting), AuthPlugin.NATIVE), AuthPlugin.CACHING_SHA2)).toEqual({
      kind: 'success',
      fastAuthSuccess: false,
    });
  });

  it('switches a client with an unknown plugin, then verifies with the new nonce', () => {
    const ex = exchange();
    expect(ex.onHandshakeResponse(response('bob', Buffer.from('pw\0'), 'mysql_clear_password'), AuthPlugin.CACHING_SHA2)).toEqual({
      kind: 'switch',
      plugin: AuthPlugin.CACHING_SHA2,
      nonce: switchNonce,
    });
    expect(ex.onSwitchResponse(cachingSha2Scramble('pw', greeting))).toMatchObject({ kind: 'denied' });
    const again = exchange();
    again.onHandshakeResponse(response('bob', Buffer.alloc(0), 'client_ed25519'), AuthPlugin.CACHING_SHA2);
    expect(again.onSwitchResponse(cachingSha2Scramble('pw', switchNonce))).toEqual({ kind: 'success', fastAuthSuccess: true });
  });

  it('switches to mysql_native_password for an account that has only that hash', () => {
    const users = { lookup: (u: string) => (u === 'old' ? { nativeHash: credentialsFor('pw').nativeHash! } : undefined) };
    const ex = exchange(users);
    expect(ex.onHandshakeResponse(response('old', cachingSha2Scramble('pw', greeting), AuthPlugin.CACHING_SHA2), AuthPlugin.CACHING_SHA2)).toMatchObject({
      kind: 'switch',
      plugin: AuthPlugin.NATIVE,
    });
    expect(ex.onSwitchResponse(nativeScramble('pw', switchNonce))).toEqual({ kind: 'success', fastAuthSuccess: false });
  });

  it('refuses caching_sha2 full authentication (no TLS) with a clear 1045 message', () => {
    const users = { lookup: () => ({}) };
    expect(exchange(users).onHandshakeResponse(response('carol', cachingSha2Scramble('pw', greeting), AuthPlugin.CACHING_SHA2), AuthPlugin.CACHING_SHA2)).toEqual({
      kind: 'denied',
      message: "Access denied for user 'carol'@'localhost': caching_sha2_password full authentication requires a secure connection (TLS), which this server does not offer",
    });
  });

  it("denies with MySQL's message, saying whether a password was used", () => {
    expect(exchange().onHandshakeResponse(response('bob', nativeScramble('nope', greeting), AuthPlugin.NATIVE), AuthPlugin.NATIVE)).toEqual({
      kind: 'denied',
      message: "Access denied for user 'bob'@'localhost' (using password: YES)",
    });
    expect(exchange().onHandshakeResponse(response('nobody', Buffer.alloc(0), AuthPlugin.NATIVE), AuthPlugin.NATIVE)).toEqual({
      kind: 'denied',
      message: "Access denied for user 'nobody'@'localhost' (using password: NO)",
    });
    expect(exchange().onSwitchResponse(Buffer.alloc(0))).toMatchObject({ kind: 'denied' });
  });

  it('treats a client without CLIENT_PLUGIN_AUTH as mysql_native_password', () => {
    const capabilities = Capability.PROTOCOL_41 | Capability.SECURE_CONNECTION;
    expect(exchange().onHandshakeResponse(response('bob', nativeScramble('pw', greeting), null, capabilities), AuthPlugin.CACHING_SHA2)).toEqual({
      kind: 'success',
      fastAuthSuccess: false,
    });
  });
});
