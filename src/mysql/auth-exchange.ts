/**
 * The authentication dialogue of one connection, as a small pure state machine: given the
 * client's HandshakeResponse41 (and later its AuthSwitchResponse) it says what to do next —
 * succeed, ask for another plugin with a fresh nonce, or deny with MySQL's ERR 1045 text.
 *
 * Policy: verify right away when the client used a plugin we speak and the account has that
 * plugin's hash; otherwise switch to the plugin the account can verify (caching_sha2 first).
 * caching_sha2_password's fast path always applies because the server stores
 * SHA256(SHA256(pw)); its full authentication (the plain password over TLS or RSA) is refused,
 * since this server offers neither.
 */
import {
  type UserCredentials,
  type UserDirectory,
  verifyCachingSha2Scramble,
  verifyNativeScramble,
} from './auth.js';
import type { HandshakeResponse41 } from './codecs/handshake-response41.js';
import { AuthPlugin, Capability } from './protocol-constants.js';

/** What the connection does after an authentication packet. */
export type AuthStep =
  /** Authenticated. `fastAuthSuccess`: send caching_sha2's AuthMoreData 0x03 before the OK. */
  | { readonly kind: 'success'; readonly fastAuthSuccess: boolean }
  /** Send AuthSwitchRequest for `plugin` with `nonce`, then wait for the client's answer. */
  | { readonly kind: 'switch'; readonly plugin: string; readonly nonce: Buffer }
  /** Send ERR 1045 with `message` and close. */
  | { readonly kind: 'denied'; readonly message: string };

const SPOKEN: ReadonlySet<string> = new Set([AuthPlugin.NATIVE, AuthPlugin.CACHING_SHA2]);

/** One connection's authentication dialogue. */
export class AuthExchange {
  private nonce: Buffer;
  private plugin: string | null = null;
  private response: HandshakeResponse41 | null = null;
  private switched = false;

  constructor(
    private readonly users: UserDirectory,
    private readonly clientHost: string,
    greetingNonce: Buffer,
    private readonly newNonce: () => Buffer,
  ) {
    this.nonce = greetingNonce;
  }

  /** The client's first answer (after the greeting, whose nonce was given to the constructor). */
  onHandshakeResponse(response: HandshakeResponse41, greetingPlugin: string): AuthStep {
    this.response = response;
    const pluginAuth = (response.capabilities & Capability.PLUGIN_AUTH) !== 0;
    const clientPlugin = pluginAuth ? (response.authPluginName ?? greetingPlugin) : AuthPlugin.NATIVE;
    const account = this.users.lookup(response.user);
    if (account === undefined) return this.denied(response.authResponse);
    if (SPOKEN.has(clientPlugin) && hashFor(account, clientPlugin) !== undefined) {
      return this.verify(account, clientPlugin, response.authResponse);
    }
    const target = preferredPlugin(account);
    if (target === null) return this.fullAuthRefused();
    if (!pluginAuth) return this.denied(response.authResponse);
    this.plugin = target;
    this.switched = true;
    this.nonce = this.newNonce();
    return { kind: 'switch', plugin: target, nonce: this.nonce };
  }

  /** The client's answer to an AuthSwitchRequest. */
  onSwitchResponse(data: Buffer): AuthStep {
    if (!this.switched || this.response === null || this.plugin === null) return this.denied(data);
    this.switched = false;
    const account = this.users.lookup(this.response.user);
    if (account === undefined) return this.denied(data);
    return this.verify(account, this.plugin, data);
  }

  private verify(account: UserCredentials, plugin: string, data: Buffer): AuthStep {
    const hash = hashFor(account, plugin);
    if (hash === undefined) return this.denied(data);
    if (plugin === AuthPlugin.NATIVE) {
      return verifyNativeScramble(hash, this.nonce, data) ? { kind: 'success', fastAuthSuccess: false } : this.denied(data);
    }
    if (!verifyCachingSha2Scramble(hash, this.nonce, data)) return this.denied(data);
    return { kind: 'success', fastAuthSuccess: hash.length > 0 };
  }

  private denied(data: Buffer): AuthStep {
    const user = this.response?.user ?? '';
    const usingPassword = data.length > 0 ? 'YES' : 'NO';
    return { kind: 'denied', message: `Access denied for user '${user}'@'${this.clientHost}' (using password: ${usingPassword})` };
  }

  private fullAuthRefused(): AuthStep {
    const user = this.response?.user ?? '';
    return {
      kind: 'denied',
      message:
        `Access denied for user '${user}'@'${this.clientHost}': caching_sha2_password full authentication ` +
        'requires a secure connection (TLS), which this server does not offer',
    };
  }
}

function hashFor(account: UserCredentials, plugin: string): Buffer | undefined {
  if (plugin === AuthPlugin.NATIVE) return account.nativeHash;
  if (plugin === AuthPlugin.CACHING_SHA2) return account.sha2Hash;
  return undefined;
}

function preferredPlugin(account: UserCredentials): string | null {
  if (account.sha2Hash !== undefined) return AuthPlugin.CACHING_SHA2;
  if (account.nativeHash !== undefined) return AuthPlugin.NATIVE;
  return null;
}
