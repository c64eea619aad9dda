/**
 * Proves the connection state machine packet by packet, with no socket: a scripted client
 * built from the codecs talks to a MysqlConnection through an in-memory ConnectionIo. Covers
 * what stock clients do not exercise: CLIENT_DEPRECATE_EOF framing, one write per response,
 * COM_SET_OPTION, COM_FIELD_LIST, COM_RESET_CONNECTION, COM_STATISTICS, long data, executes
 * that do not rebind types, unknown commands, malformed and oversized packets, back-pressure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../sql/session-api.js';
import { ColumnType } from '../../sql/session-api.js';
import { cachingSha2Scramble, nativeScramble, staticUsers } from './auth.js';
import { decodeAuthMoreData, decodeAuthSwitchRequest } from './codecs/auth-switch.js';
import { decodeBinaryRow } from './codecs/binary-row.js';
import { decodeColumnDefinition } from './codecs/column-definition.js';
import { decodeEof } from './codecs/eof-packet.js';
import { decodeErr } from './codecs/err-packet.js';
import { encodeHandshakeResponse41 } from './codecs/handshake-response41.js';
import { decodeHandshakeV10, type HandshakeV10 } from './codecs/handshake-v10.js';
import { decodeOk } from './codecs/ok-packet.js';
import { type BoundParam, encodeStmtExecute, encodeStmtSendLongData } from './codecs/stmt-execute.js';
import { decodeStmtPrepareOk } from './codecs/stmt-prepare-ok.js';
import { decodeTextRow } from './codecs/text-row.js';
import { MysqlConnection } from './connection.js';
import { type Packet, PacketParser } from './packet-parser.js';
import { PacketWriter, type PayloadWriter } from './payload-writer.js';
import { AuthPlugin, Capability, Command, ServerStatus } from './protocol-constants.js';
import { FakeSessionFactory, TYPED_COLUMNS, TYPED_ROWS, silentLogger } from './test-support/fake-sessions.js';

const CLIENT_BASE =
  Capability.LONG_PASSWORD |
  Capability.PROTOCOL_41 |
  Capability.SECURE_CONNECTION |
  Capability.PLUGIN_AUTH |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.CONNECT_WITH_DB |
  Capability.TRANSACTIONS |
  Capability.MULTI_RESULTS;

/** A client that speaks to a MysqlConnection through memory. */
class ScriptedClient {
  readonly sessions = new FakeSessionFactory();
  readonly connection: MysqlConnection;
  readonly writes: Buffer[] = [];
  private readonly parser = new PacketParser(1 << 30);
  private readonly inbox: Packet[] = [];
  ended = false;
  paused = false;
  /** When set, io.write returns false (a full socket buffer) until `releaseDrain` runs. */
  blockWrites = false;
  private drainWaiters: (() => void)[] = [];
  greeting!: HandshakeV10;
  capabilities = 0;

  constructor(options: { authPlugin?: string; packetBytesMax?: number } = {}) {
    this.connection = new MysqlConnection({
      connectionId: 7,
      sessions: this.sessions,
      users: staticUsers({ root: '', bob: 'pw' }),
      io: {
        write: (bytes) => {
          this.writes.push(Buffer.from(bytes));
          this.inbox.push(...this.parser.push(Buffer.from(bytes)));
          return !this.blockWrites;
        },
        drained: () => new Promise((resolve) => this.drainWaiters.push(resolve)),
        end: () => {
          this.ended = true;
        },
        pauseReading: () => {
          this.paused = true;
        },
        resumeReading: () => {
          this.paused = false;
        },
      },
      logger: silentLogger,
      serverVersion: '8.0.36-atoll-test',
      clientHost: 'localhost',
      authPlugin: options.authPlugin ?? AuthPlugin.CACHING_SHA2,
      packetBytesMax: options.packetBytesMax ?? 1 << 20,
      statistics: () => 'Uptime: 1  Threads: 1',
    });
  }

  releaseDrain(): void {
    this.blockWrites = false;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /** Sends one packet with payload `fill` and sequence id `seq`. */
  send(seq: number, fill: (w: PayloadWriter) => void): void {
    const w = new PacketWriter(seq);
    w.packet(fill);
    this.connection.receive(Buffer.from(w.toBuffer()));
  }

  command(fill: (w: PayloadWriter) => void): void {
    this.send(0, fill);
  }

  /** The next packet from the server (waits for the connection's async work). */
  async next(): Promise<Packet> {
    for (let i = 0; i < 1000 && this.inbox.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    const packet = this.inbox.shift();
    if (packet === undefined) throw new Error('no packet from the server');
    return packet;
  }

  /** Lets pending work run, then says how many packets are waiting. */
  async pendingPackets(): Promise<number> {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    return this.inbox.length;
  }

  /** Greeting + handshake response as `user` (caching_sha2 scramble), expecting success. */
  async login(capabilities = CLIENT_BASE, user = 'root', password = ''): Promise<void> {
    this.capabilities = capabilities;
    this.connection.start();
    this.greeting = decodeHandshakeV10((await this.next()).payload);
    this.send(1, (w) =>
      encodeHandshakeResponse41(w, {
        capabilities,
        maxPacketBytes: 1 << 24,
        characterSet: 45,
        user,
        authResponse: cachingSha2Scramble(password, this.greeting.authPluginData),
        database: 'test',
        authPluginName: AuthPlugin.CACHING_SHA2,
        attributes: new Map(),
      }),
    );
    let packet = await this.next();
    if (packet.payload[0] === 0x01) {
      expect(decodeAuthMoreData(packet.payload)).toEqual(Buffer.of(0x03));
      packet = await this.next();
    }
    expect(packet.payload[0]).toBe(0x00);
  }

  async ok(): Promise<ReturnType<typeof decodeOk>> {
    const packet = await this.next();
    if (packet.payload[0] === 0xff) throw new Error(`expected OK, got ERR ${JSON.stringify(decodeErr(packet.payload))}`);
    return decodeOk(packet.payload, 0);
  }

  async err(): Promise<ReturnType<typeof decodeErr>> {
    return decodeErr((await this.next()).payload);
  }
}

const query = (sql: string) => (w: PayloadWriter) => w.uint8(Command.QUERY).string(sql);

describe('result set framing', () => {
  it('without DEPRECATE_EOF: EOF after the columns and after the rows, one write per result', async () => {
    const client = new ScriptedClient();
    await client.login();
    const writesBefore = client.writes.length;
    client.command(query('SELECT * FROM t'));
    const count = await client.next();
    expect(count).toMatchObject({ sequenceId: 1 });
    expect(count.payload).toEqual(Buffer.of(TYPED_COLUMNS.length));
    for (const column of TYPED_COLUMNS) expect(decodeColumnDefinition((await client.next()).payload)).toEqual(column);
    expect(decodeEof((await client.next()).payload)).toEqual({ warnings: 0, statusFlags: ServerStatus.AUTOCOMMIT });
    const first = decodeTextRow((await client.next()).payload, TYPED_COLUMNS.length);
    expect(first[0]!.toString()).toBe('-128');
    await client.next();
    expect(decodeTextRow((await client.next()).payload, TYPED_COLUMNS.length).every((v) => v === null)).toBe(true);
    const end = await client.next();
    expect(decodeEof(end.payload)).toEqual({ warnings: 0, statusFlags: ServerStatus.AUTOCOMMIT });
    expect(end.sequenceId).toBe(1 + 1 + TYPED_COLUMNS.length + 1 + TYPED_ROWS.length);
    expect(client.writes.length - writesBefore).toBe(1);
  });

  it('with DEPRECATE_EOF: no EOF after the columns, an OK with a 0xfe header at the end', async () => {
    const client = new ScriptedClient();
    await client.login(CLIENT_BASE | Capability.DEPRECATE_EOF);
    client.command(query('BEGIN'));
    expect((await client.ok()).statusFlags).toBe(ServerStatus.IN_TRANS | ServerStatus.AUTOCOMMIT);
    client.command(query('SELECT 1, 2'));
    await client.next();
    await client.next();
    await client.next();
    expect(decodeTextRow((await client.next()).payload, 2).map(String)).toEqual(['1', '2']);
    const end = await client.next();
    expect(end.payload[0]).toBe(0xfe);
    expect(decodeOk(end.payload, 0)).toMatchObject({ header: 0xfe, statusFlags: ServerStatus.IN_TRANS | ServerStatus.AUTOCOMMIT });
    expect(await client.pendingPackets()).toBe(0);
  });

  it('marks every result but the last with MORE_RESULTS_EXISTS; an error ends the sequence', async () => {
    const client = new ScriptedClient();
    await client.login(CLIENT_BASE | Capability.MULTI_STATEMENTS | Capability.DEPRECATE_EOF);
    const writesBefore = client.writes.length;
    client.command(query("INSERT INTO x VALUES (1); SELECT 'a'; SELECT * FROM missing; SELECT 2"));
    const insert = await client.ok();
    expect(insert).toMatchObject({ affectedRows: 1n, lastInsertId: 42n });
    expect(insert.statusFlags & ServerStatus.MORE_RESULTS_EXISTS).toBeTruthy();
    await client.next();
    await client.next();
    await client.next();
    const end = decodeOk((await client.next()).payload, 0);
    expect(end.statusFlags & ServerStatus.MORE_RESULTS_EXISTS).toBeTruthy();
    expect(await client.err()).toEqual({ errno: 1146, sqlState: '42S02', message: "Table 'test.missing' doesn't exist" });
    expect(await client.pendingPackets()).toBe(0);
    expect(client.writes.length - writesBefore).toBe(1);
  });
});

describe('commands', () => {
  it('COM_SET_OPTION turns multi-statements on and off', async () => {
    const client = new ScriptedClient();
    await client.login();
    client.command(query('SELECT 1; SELECT 2'));
    expect((await client.err()).errno).toBe(1064);
    client.command((w) => w.uint8(Command.SET_OPTION).uint16(0));
    expect(decodeEof((await client.next()).payload).statusFlags).toBe(ServerStatus.AUTOCOMMIT);
    client.command(query('SELECT 1; SELECT 2'));
    for (let i = 0; i < 4; i++) await client.next();
    expect(decodeEof((await client.next()).payload).statusFlags & ServerStatus.MORE_RESULTS_EXISTS).toBeTruthy();
    for (let i = 0; i < 4; i++) await client.next();
    expect(decodeEof((await client.next()).payload).statusFlags & ServerStatus.MORE_RESULTS_EXISTS).toBeFalsy();
    client.command((w) => w.uint8(Command.SET_OPTION).uint16(1));
    await client.next();
    client.command(query('SELECT 1; SELECT 2'));
    expect((await client.err()).errno).toBe(1064);
    client.command((w) => w.uint8(Command.SET_OPTION).uint16(9));
    expect((await client.err()).errno).toBe(1047);
  });

  it('COM_INIT_DB, COM_PING, COM_STATISTICS, COM_FIELD_LIST, unknown and empty commands', async () => {
    const client = new ScriptedClient();
    await client.login();
    client.command((w) => w.uint8(Command.INIT_DB).string('other'));
    await client.ok();
    client.command((w) => w.uint8(Command.INIT_DB).string('nope'));
    expect(await client.err()).toEqual({ errno: 1049, sqlState: '42000', message: "Unknown database 'nope'" });
    client.command((w) => w.uint8(Command.PING));
    await client.ok();
    client.command((w) => w.uint8(Command.STATISTICS));
    expect((await client.next()).payload.toString()).toBe('Uptime: 1  Threads: 1');
    client.command((w) => w.uint8(Command.FIELD_LIST).nulString('t').string('%'));
    for (const column of TYPED_COLUMNS) {
      const payload = (await client.next()).payload;
      expect(decodeColumnDefinition(payload)).toEqual(column);
      expect(payload[payload.length - 1]).toBe(0xfb);
    }
    expect(decodeEof((await client.next()).payload)).toBeDefined();
    client.command((w) => w.uint8(Command.FIELD_LIST).nulString('zz'));
    expect((await client.err()).errno).toBe(1146);
    client.command((w) => w.uint8(Command.PROCESS_INFO));
    expect(await client.err()).toEqual({ errno: 1047, sqlState: '08S01', message: 'Unknown command' });
    client.command(() => {});
    expect((await client.err()).errno).toBe(1835);
    client.command(query('CRASH'));
    expect(await client.err()).toMatchObject({ errno: 1105, sqlState: 'HY000' });
    client.command((w) => w.uint8(Command.PING));
    await client.ok();
    expect(client.ended).toBe(false);
  });

  it('COM_QUIT closes the connection and its session without a response', async () => {
    const client = new ScriptedClient();
    await client.login();
    client.command((w) => w.uint8(Command.QUIT));
    expect(await client.pendingPackets()).toBe(0);
    expect(client.ended).toBe(true);
    expect(client.connection.closed).toBe(true);
    expect(client.sessions.log.closedSessions).toBe(1);
  });
});

describe('prepared statements', () => {
  async function prepare(client: ScriptedClient, sql: string): Promise<number> {
    client.command((w) => w.uint8(Command.STMT_PREPARE).string(sql));
    const ok = decodeStmtPrepareOk((await client.next()).payload);
    const eofs = client.capabilities & Capability.DEPRECATE_EOF ? 0 : (ok.paramCount > 0 ? 1 : 0) + (ok.columnCount > 0 ? 1 : 0);
    const defs = ok.paramCount + ok.columnCount + eofs;
    for (let i = 0; i < defs; i++) await client.next();
    return ok.statementId;
  }

  const execute = (statementId: number, params: readonly BoundParam[], rebind = true) => (w: PayloadWriter) =>
    encodeStmtExecute(w, { statementId, flags: 0, iterationCount: 1 }, params, rebind);

  it('describes parameters and columns in COM_STMT_PREPARE_OK', async () => {
    const client = new ScriptedClient();
    await client.login();
    client.command((w) => w.uint8(Command.STMT_PREPARE).string('INSERT INTO x VALUES (?, ?)'));
    expect(decodeStmtPrepareOk((await client.next()).payload)).toEqual({ statementId: 1, columnCount: 0, paramCount: 2, warnings: 0 });
    expect(decodeColumnDefinition((await client.next()).payload)).toMatchObject({ name: '?', type: ColumnType.VAR_STRING });
    await client.next();
    expect(decodeEof((await client.next()).payload)).toBeDefined();
    client.command((w) => w.uint8(Command.STMT_PREPARE).string('SELECT * FROM t'));
    expect(decodeStmtPrepareOk((await client.next()).payload)).toMatchObject({ statementId: 2, columnCount: TYPED_COLUMNS.length, paramCount: 0 });
    for (const column of TYPED_COLUMNS) expect(decodeColumnDefinition((await client.next()).payload)).toEqual(column);
    expect(decodeEof((await client.next()).payload)).toBeDefined();
    expect(await client.pendingPackets()).toBe(0);
  });

  it('executes with binary rows, reuses types when not rebound, and uses the last statement for id 0xffffffff', async () => {
    const client = new ScriptedClient();
    await client.login(CLIENT_BASE | Capability.DEPRECATE_EOF);
    const id = await prepare(client, 'SELECT ?, ?');
    const params: BoundParam[] = [{ type: ColumnType.LONGLONG, unsigned: true, value: 2n ** 64n - 1n }, { type: ColumnType.DOUBLE, value: 0.5 }];
    client.command(execute(id, params));
    await client.next();
    const columns = [decodeColumnDefinition((await client.next()).payload), decodeColumnDefinition((await client.next()).payload)];
    expect(decodeBinaryRow((await client.next()).payload, columns)).toEqual([-1n, 0.5]);
    expect(decodeOk((await client.next()).payload, 0).header).toBe(0xfe);
    client.command(execute(0xffffffff, [{ type: ColumnType.LONGLONG, unsigned: true, value: 5n }, { type: ColumnType.DOUBLE, value: 1.5 }], false));
    for (let i = 0; i < 5; i++) await client.next();
    expect(client.sessions.log.executions.map((e) => e.params)).toEqual([[2n ** 64n - 1n, 0.5], [5n, 1.5]]);
  });

  it('refuses an execute without types when none were bound before (1210), and unknown statements (1243)', async () => {
    const client = new ScriptedClient();
    await client.login();
    const id = await prepare(client, 'SELECT ?');
    client.command(execute(id, [{ type: ColumnType.TINY, value: 1n }], false));
    expect((await client.err()).errno).toBe(1210);
    client.command(execute(99, []));
    expect(await client.err()).toEqual({ errno: 1243, sqlState: 'HY000', message: 'Unknown prepared statement handler (99) given to mysqld_stmt_execute' });
    client.command((w) => w.uint8(Command.STMT_EXECUTE).uint32(id).uint8(0));
    expect((await client.err()).errno).toBe(1835);
    client.command((w) => w.uint8(Command.STMT_EXECUTE).uint32(id).uint8(0).uint32(1).uint8(0).uint8(1).uint8(0x42).uint8(0));
    expect((await client.err()).errno).toBe(1210);
  });

  it('collects COM_STMT_SEND_LONG_DATA pieces, clears them on COM_STMT_RESET, forgets statements on COM_STMT_CLOSE', async () => {
    const client = new ScriptedClient();
    await client.login();
    const id = await prepare(client, 'SELECT ?, ?');
    const longData = (paramIndex: number, data: string) => (w: PayloadWriter) => encodeStmtSendLongData(w, { statementId: id, paramIndex, data: Buffer.from(data) });
    client.command(longData(0, 'héllo '));
    client.command(longData(0, 'wörld'));
    client.command(longData(1, 'dropped'));
    expect(await client.pendingPackets()).toBe(0);
    client.command((w) => w.uint8(Command.STMT_RESET).uint32(id));
    await client.ok();
    client.command(longData(0, 'héllo '));
    client.command(longData(0, 'wörld'));
    // A client leaves long-data parameters out of the execute packet.
    client.command(execute(id, [{ type: ColumnType.VAR_STRING, value: null }, { type: ColumnType.TINY, value: 3n }]));
    await client.next();
    expect(client.sessions.log.executions.at(-1)!.params).toEqual(['héllo wörld', 3n] satisfies SqlValue[]);
    for (let i = 0; i < 5; i++) await client.next();
    expect(await client.pendingPackets()).toBe(0);
    client.command(longData(5, 'x'));
    client.command(execute(id, [{ type: ColumnType.TINY, value: 1n }, { type: ColumnType.TINY, value: 1n }]));
    expect((await client.err()).errno).toBe(1210);
    client.command((w) => w.uint8(Command.STMT_CLOSE).uint32(id));
    expect(await client.pendingPackets()).toBe(0);
    expect(client.sessions.log.closedStatements).toEqual([id]);
    client.command((w) => w.uint8(Command.STMT_RESET).uint32(id));
    expect((await client.err()).errno).toBe(1243);
  });

  it('COM_RESET_CONNECTION forgets prepared statements', async () => {
    const client = new ScriptedClient();
    await client.login();
    const id = await prepare(client, 'SELECT ?');
    client.command((w) => w.uint8(Command.RESET_CONNECTION));
    await client.ok();
    expect(client.sessions.log.resets).toBe(1);
    client.command(execute(id, [{ type: ColumnType.TINY, value: 1n }]));
    expect((await client.err()).errno).toBe(1243);
  });
});

describe('handshake and bad input', () => {
  it('announces version, connection id, capabilities and a 20-byte nonce', async () => {
    const client = new ScriptedClient();
    await client.login();
    expect(client.greeting).toMatchObject({ serverVersion: '8.0.36-atoll-test', connectionId: 7, authPluginName: 'caching_sha2_password', characterSet: 45 });
    expect(client.greeting.authPluginData).toHaveLength(20);
    for (const flag of ['PROTOCOL_41', 'SECURE_CONNECTION', 'PLUGIN_AUTH', 'PLUGIN_AUTH_LENENC_CLIENT_DATA', 'CONNECT_WITH_DB', 'MULTI_STATEMENTS', 'MULTI_RESULTS', 'PS_MULTI_RESULTS', 'DEPRECATE_EOF', 'TRANSACTIONS', 'CONNECT_ATTRS'] as const) {
      expect(client.greeting.capabilities & Capability[flag]).toBe(Capability[flag]);
    }
    expect(client.greeting.capabilities & Capability.SSL).toBe(0);
    expect(client.sessions.log.opened).toEqual([{ user: 'root', database: 'test', connectionId: 7 }]);
  });

  it('switches plugins on request and finishes with fast-auth success and OK', async () => {
    const client = new ScriptedClient({ authPlugin: AuthPlugin.NATIVE });
    client.connection.start();
    const greeting = decodeHandshakeV10((await client.next()).payload);
    expect(greeting.authPluginName).toBe('mysql_native_password');
    client.send(1, (w) =>
      encodeHandshakeResponse41(w, {
        capabilities: CLIENT_BASE,
        maxPacketBytes: 0,
        characterSet: 45,
        user: 'bob',
        authResponse: Buffer.from('pw'),
        database: null,
        authPluginName: 'mysql_clear_password',
        attributes: new Map(),
      }),
    );
    const switchPacket = await client.next();
    expect(switchPacket.sequenceId).toBe(2);
    const request = decodeAuthSwitchRequest(switchPacket.payload);
    expect(request.pluginName).toBe('caching_sha2_password');
    client.send(3, (w) => w.bytes(cachingSha2Scramble('pw', request.pluginData)));
    const more = await client.next();
    expect(more.sequenceId).toBe(4);
    expect(decodeAuthMoreData(more.payload)).toEqual(Buffer.of(3));
    expect((await client.next()).sequenceId).toBe(5);
    expect(client.sessions.log.opened).toEqual([{ user: 'bob', database: null, connectionId: 7 }]);
  });

  it('refuses a wrong password with 1045 and closes', async () => {
    const client = new ScriptedClient({ authPlugin: AuthPlugin.NATIVE });
    client.connection.start();
    const greeting = decodeHandshakeV10((await client.next()).payload);
    client.send(1, (w) =>
      encodeHandshakeResponse41(w, {
        capabilities: CLIENT_BASE,
        maxPacketBytes: 0,
        characterSet: 45,
        user: 'bob',
        authResponse: nativeScramble('bad', greeting.authPluginData),
        database: null,
        authPluginName: AuthPlugin.NATIVE,
        attributes: new Map(),
      }),
    );
    expect(await client.err()).toEqual({ errno: 1045, sqlState: '28000', message: "Access denied for user 'bob'@'localhost' (using password: YES)" });
    expect(client.ended).toBe(true);
    expect(client.sessions.log.opened).toEqual([]);
  });

  it('answers an SSLRequest or a garbled handshake with 1043 and closes', async () => {
    for (const payload of [Buffer.concat([Buffer.from([0x00, 0x0a, 0x00, 0x00]), Buffer.alloc(28)]), Buffer.from([1, 2, 3])]) {
      const client = new ScriptedClient();
      client.connection.start();
      await client.next();
      if (payload.length === 32) payload.writeUInt32LE(Capability.PROTOCOL_41 | Capability.SSL, 0);
      client.send(1, (w) => w.bytes(payload));
      expect((await client.err()).errno).toBe(1043);
      expect(client.ended).toBe(true);
    }
  });

  it('answers a session factory that throws with ERR 1105 and closes', async () => {
    const client = new ScriptedClient();
    client.sessions.openSession = () => Promise.reject(new Error('storage is down'));
    client.connection.start();
    const greeting = decodeHandshakeV10((await client.next()).payload);
    client.send(1, (w) =>
      encodeHandshakeResponse41(w, {
        capabilities: CLIENT_BASE,
        maxPacketBytes: 0,
        characterSet: 45,
        user: 'root',
        authResponse: Buffer.alloc(0),
        database: null,
        authPluginName: AuthPlugin.CACHING_SHA2,
        attributes: new Map(),
      }),
    );
    expect(greeting.connectionId).toBe(7);
    expect(await client.err()).toEqual({ errno: 1105, sqlState: 'HY000', message: 'Unknown error: storage is down' });
    expect(client.ended).toBe(true);
  });

  it('closes the connection on an oversized packet, after ERR 1153', async () => {
    const client = new ScriptedClient({ packetBytesMax: 1000 });
    await client.login();
    client.command(query('x'.repeat(2000)));
    const err = await client.next();
    expect(err.sequenceId).toBe(1);
    expect(decodeErr(err.payload).errno).toBe(1153);
    expect(client.ended).toBe(true);
    expect(client.sessions.log.closedSessions).toBe(1);
  });

  it('waits for a full socket buffer to drain before the next command, and pauses reading when many packets queue', async () => {
    const client = new ScriptedClient();
    await client.login();
    client.blockWrites = true;
    const many = new PacketWriter(0);
    for (let i = 0; i < 70; i++) many.packet((w) => w.uint8(Command.PING));
    const bytes = Buffer.from(many.toBuffer());
    // All 70 pings arrive in one chunk with sequence id 0..69; each gets an OK.
    client.connection.receive(bytes);
    expect(client.paused).toBe(true);
    expect(await client.pendingPackets()).toBe(1);
    client.releaseDrain();
    let oks = 1;
    while ((await client.pendingPackets()) > oks) oks = await client.pendingPackets();
    expect(oks).toBe(70);
    expect(client.paused).toBe(false);
  });
});

describe('fuzzed commands', () => {
  it('answers random command packets without throwing, and still answers a ping afterwards', async () => {
    const commandByte = fc.integer({ min: 0, max: 255 }).filter((b) => b !== Command.QUIT && b !== Command.CHANGE_USER);
    const packet = fc.tuple(commandByte, fc.uint8Array({ maxLength: 40 })).map(([b, rest]) => Buffer.concat([Buffer.of(b), rest]));
    await fc.assert(
      fc.asyncProperty(fc.array(packet, { minLength: 1, maxLength: 15 }), async (packets) => {
        const client = new ScriptedClient();
        await client.login(CLIENT_BASE | Capability.MULTI_STATEMENTS);
        for (const payload of packets) client.command((w) => w.bytes(payload));
        client.command((w) => w.uint8(Command.PING));
        await client.pendingPackets();
        expect(client.connection.closed).toBe(false);
        let last: Packet | undefined;
        while ((await client.pendingPackets()) > 0) last = await client.next();
        expect(last!.payload[0]).toBe(0x00);
      }),
      { numRuns: 60 },
    );
  });
});
