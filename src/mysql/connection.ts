/**
 * One client connection: the per-connection state machine of the MySQL protocol. It knows
 * nothing of sockets — bytes come in through `receive`, go out through `ConnectionIo` — so
 * tests can drive it directly. Phases: greeting sent → (auth switch) → commands → closed.
 *
 * Invariants: packets are handled one at a time in arrival order; each response is one
 * `io.write` (a whole result set, or every result of a multi-statement query); a failure
 * while handling one command becomes an ERR packet for that command and the connection
 * carries on, except framing errors (oversized, out-of-order), which close it.
 */
import type { SqlSession, SqlSessionFactory } from '../../sql/session-api.js';
import { limits } from '../base/limits.js';
import type { Logger } from '../base/logger.js';
import { AuthExchange, type AuthStep } from './auth-exchange.js';
import { makeNonce, type UserDirectory } from './auth.js';
import { CachingSha2Status, encodeAuthMoreData, encodeAuthSwitchRequest } from './codecs/auth-switch.js';
import type { ErrPacket } from './codecs/err-packet.js';
import { decodeComChangeUser } from './codecs/change-user.js';
import { decodeHandshakeResponse41, isSslRequest } from './codecs/handshake-response41.js';
import { encodeHandshakeV10 } from './codecs/handshake-v10.js';
import { type Packet, PacketParser } from './packet-parser.js';
import { PacketWriter } from './payload-writer.js';
import { AuthPlugin, Capability, Command, ServerStatus, SERVER_CAPABILITIES } from './protocol-constants.js';
import { ProtocolError } from './protocol-error.js';
import { CommandHandlers } from './command-handlers.js';
import { errPacketOf, ProtocolErr } from './error-packets.js';
import { statusFlagsOf, writeErr, writeOk } from './result-writer.js';

/** Where a connection's bytes go; the server adapts a net.Socket to it. */
export interface ConnectionIo {
  /** Writes bytes; false when the socket's buffer is full (then wait for `drained`). */
  write(bytes: Buffer): boolean;
  /** Resolves once the socket's write buffer has drained. */
  drained(): Promise<void>;
  /** Flushes and closes the socket. */
  end(): void;
  /** Stops reading from the socket (too much already queued). */
  pauseReading(): void;
  resumeReading(): void;
}

/** Everything one connection needs. */
export interface ConnectionOptions {
  readonly connectionId: number;
  readonly sessions: SqlSessionFactory;
  readonly users: UserDirectory;
  readonly io: ConnectionIo;
  readonly logger: Logger;
  readonly serverVersion: string;
  /** The client's address, as ERR 1045 names it ('user'@'host'). */
  readonly clientHost: string;
  /** Plugin announced in the greeting. */
  readonly authPlugin: string;
  readonly packetBytesMax: number;
  /** The COM_STATISTICS text. */
  readonly statistics: () => string;
  /** Called once per command received (the server's "Questions" count). */
  readonly onCommand?: () => void;
  readonly randomBytes?: (bytes: number) => Buffer;
}

type Phase = 'greeting-sent' | 'auth-switch-sent' | 'commands' | 'closed';

const NONCE_BYTES = 20;

const UTF8MB4_GENERAL_CI = 45;

/** The server side of one client connection. */
export class MysqlConnection {
  private phase: Phase = 'greeting-sent';
  private readonly parser: PacketParser;
  private readonly pending: (Packet | ProtocolError)[] = [];
  private running = false;
  private paused = false;
  private writeBlocked = false;
  private auth: AuthExchange;
  private readonly greetingNonce: Buffer;
  private capabilities = 0;
  private handlers: CommandHandlers | null = null;
  private session: SqlSession | null = null;
  private user = '';
  private database: string | null = null;

  constructor(private readonly options: ConnectionOptions) {
    this.parser = new PacketParser(options.packetBytesMax);
    this.greetingNonce = this.newNonce();
    this.auth = this.newAuthExchange();
  }

  private newNonce(): Buffer {
    return makeNonce(NONCE_BYTES, this.options.randomBytes);
  }

  private newAuthExchange(): AuthExchange {
    return new AuthExchange(this.options.users, this.options.clientHost, this.greetingNonce, () => this.newNonce());
  }

  /** The connection id announced in the greeting. */
  get id(): number {
    return this.options.connectionId;
  }

  /** True once closed (by the client, an error, or the server). */
  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** Sends the greeting (HandshakeV10). */
  start(): void {
    const w = new PacketWriter(0, 256);
    w.packet((p) =>
      encodeHandshakeV10(p, {
        serverVersion: this.options.serverVersion,
        connectionId: this.options.connectionId,
        authPluginData: this.greetingNonce,
        capabilities: SERVER_CAPABILITIES,
        characterSet: UTF8MB4_GENERAL_CI,
        statusFlags: ServerStatus.AUTOCOMMIT,
        authPluginName: this.options.authPlugin,
      }),
    );
    this.send(w.toBuffer());
  }

  /** Bytes from the socket. */
  receive(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    try {
      for (const packet of this.parser.push(chunk)) this.pending.push(packet);
    } catch (error) {
      if (!(error instanceof ProtocolError)) {
        this.failInternally(error);
        return;
      }
      this.pending.push(error);
    }
    if (this.pending.length >= limits.connectionPendingPacketsMax && !this.paused) {
      this.paused = true;
      this.options.io.pauseReading();
    }
    if (!this.running) void this.run();
  }

  /** Closes the connection and its session (idempotent; also called when the socket closes). */
  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.pending.length = 0;
    this.options.io.end();
    await this.endSession();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0 && this.phase !== 'closed') {
        const item = this.pending.shift()!;
        try {
          if (item instanceof ProtocolError) await this.onFramingError(item);
          else await this.dispatch(item);
        } catch (error) {
          // Command handlers answer their own failures; reaching here is a bug in the
          // handshake path. It costs this client its connection, never the process.
          this.failInternally(error);
        }
        if (this.writeBlocked) {
          await this.options.io.drained();
          this.writeBlocked = false;
        }
      }
    } finally {
      this.running = false;
      if (this.paused && this.phase !== 'closed') {
        this.paused = false;
        this.options.io.resumeReading();
      }
    }
  }

  private failInternally(error: unknown): void {
    this.options.logger.error('internal error; closing the connection', {
      connectionId: this.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    void this.close();
  }

  private async dispatch(packet: Packet): Promise<void> {
    switch (this.phase) {
      case 'greeting-sent':
        return this.onHandshakeResponse(packet);
      case 'auth-switch-sent':
        return this.onAuthSwitchResponse(packet);
      case 'commands':
        this.options.onCommand?.();
        if (packet.payload[0] === Command.CHANGE_USER) return this.onComChangeUser(packet);
        return this.handlers!.onPacket(packet);
      case 'closed':
        return;
    }
  }

  private async onFramingError(error: ProtocolError): Promise<void> {
    this.options.logger.warn('closing connection on a protocol error', { connectionId: this.id, reason: error.reason, message: error.message });
    // The reply follows the offending packet's sequence id, so the client reads it as an answer.
    const seq = error.sequenceId === null ? 0 : (error.sequenceId + 1) & 0xff;
    this.sendErr(seq, { errno: error.errno, sqlState: error.sqlState, message: error.message });
    await this.close();
  }

  private async onHandshakeResponse(packet: Packet): Promise<void> {
    const seq = packet.sequenceId + 1;
    if (isSslRequest(packet.payload)) {
      this.sendErr(seq, { ...ProtocolErr.badHandshake, message: 'Bad handshake: this server does not offer SSL' });
      return this.close();
    }
    let step: AuthStep;
    try {
      const response = decodeHandshakeResponse41(packet.payload);
      this.capabilities = (response.capabilities & SERVER_CAPABILITIES) >>> 0;
      this.user = response.user;
      this.database = response.database === null || response.database === '' ? null : response.database;
      step = this.auth.onHandshakeResponse(response, this.options.authPlugin);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.sendErr(seq, { ...ProtocolErr.badHandshake, message: `Bad handshake: ${error.message}` });
      return this.close();
    }
    return this.onAuthStep(step, seq);
  }

  /**
   * COM_CHANGE_USER: end the current session, authenticate again (over the greeting's
   * nonce, switching plugins if needed) and open a new session. Failure closes the
   * connection, as in MySQL.
   */
  private async onComChangeUser(packet: Packet): Promise<void> {
    const seq = packet.sequenceId + 1;
    let step: AuthStep;
    try {
      const request = decodeComChangeUser(packet.payload, this.capabilities);
      this.user = request.user;
      this.database = request.database;
      this.auth = this.newAuthExchange();
      step = this.auth.onHandshakeResponse(request, AuthPlugin.NATIVE);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.sendErr(seq, { ...ProtocolErr.malformed, message: `${ProtocolErr.malformed.message} ${error.message}` });
      return this.close();
    }
    await this.endSession();
    return this.onAuthStep(step, seq);
  }

  private async endSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    this.handlers = null;
    if (session === null) return;
    try {
      await session.close();
    } catch (error) {
      this.options.logger.warn('session close failed', { connectionId: this.id, error: String(error) });
    }
  }

  private async onAuthSwitchResponse(packet: Packet): Promise<void> {
    return this.onAuthStep(this.auth.onSwitchResponse(packet.payload), packet.sequenceId + 1);
  }

  private async onAuthStep(step: AuthStep, seq: number): Promise<void> {
    switch (step.kind) {
      case 'denied':
        this.options.logger.info('access denied', { connectionId: this.id, user: this.user });
        this.sendErr(seq, { ...ProtocolErr.accessDenied, message: step.message });
        return this.close();
      case 'switch': {
        this.phase = 'auth-switch-sent';
        const w = new PacketWriter(seq, 128);
        w.packet((p) => encodeAuthSwitchRequest(p, { pluginName: step.plugin, pluginData: step.nonce }));
        this.send(w.toBuffer());
        return;
      }
      case 'success':
        return this.openSession(seq, step.fastAuthSuccess);
    }
  }

  private async openSession(seq: number, fastAuthSuccess: boolean): Promise<void> {
    const w = new PacketWriter(seq, 128);
    if (fastAuthSuccess) w.packet((p) => encodeAuthMoreData(p, Uint8Array.of(CachingSha2Status.FAST_AUTH_SUCCESS)));
    try {
      const session = await this.options.sessions.openSession({ user: this.user, database: this.database, connectionId: this.id });
      if (this.phase === 'closed') {
        await session.close();
        return;
      }
      this.session = session;
    } catch (error) {
      writeErr(w, errPacketOf(error, this.options.logger));
      this.send(w.toBuffer());
      return this.close();
    }
    this.phase = 'commands';
    this.handlers = new CommandHandlers({
      session: this.session,
      capabilities: this.capabilities,
      logger: this.options.logger,
      connectionId: this.id,
      packetBytesMax: this.options.packetBytesMax,
      send: (bytes) => this.send(bytes),
      close: () => this.close(),
      statistics: this.options.statistics,
    });
    writeOk(w, { capabilities: this.capabilities, statusFlags: statusFlagsOf(this.session) });
    this.send(w.toBuffer());
    this.options.logger.debug('authenticated', { connectionId: this.id, user: this.user, deprecateEof: (this.capabilities & Capability.DEPRECATE_EOF) !== 0 });
  }

  private sendErr(seq: number, err: ErrPacket): void {
    const w = new PacketWriter(seq, 128);
    writeErr(w, err);
    this.send(w.toBuffer());
  }

  private send(bytes: Buffer): void {
    if (this.phase === 'closed') return;
    if (!this.options.io.write(bytes)) this.writeBlocked = true;
  }
}

