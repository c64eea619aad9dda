/**
 * Numbers of the MySQL client/server protocol: capability flags, server status flags,
 * command bytes and packet headers. Names follow MySQL's own (CLIENT_*, SERVER_*, COM_*).
 */

/** Capability flags exchanged in the handshake (CLIENT_*). */
export const Capability = {
  LONG_PASSWORD: 1,
  FOUND_ROWS: 1 << 1,
  LONG_FLAG: 1 << 2,
  CONNECT_WITH_DB: 1 << 3,
  NO_SCHEMA: 1 << 4,
  COMPRESS: 1 << 5,
  ODBC: 1 << 6,
  LOCAL_FILES: 1 << 7,
  IGNORE_SPACE: 1 << 8,
  PROTOCOL_41: 1 << 9,
  INTERACTIVE: 1 << 10,
  SSL: 1 << 11,
  IGNORE_SIGPIPE: 1 << 12,
  TRANSACTIONS: 1 << 13,
  RESERVED: 1 << 14,
  SECURE_CONNECTION: 1 << 15,
  MULTI_STATEMENTS: 1 << 16,
  MULTI_RESULTS: 1 << 17,
  PS_MULTI_RESULTS: 1 << 18,
  PLUGIN_AUTH: 1 << 19,
  CONNECT_ATTRS: 1 << 20,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  CAN_HANDLE_EXPIRED_PASSWORDS: 1 << 22,
  SESSION_TRACK: 1 << 23,
  DEPRECATE_EOF: 1 << 24,
  OPTIONAL_RESULTSET_METADATA: 1 << 25,
  ZSTD_COMPRESSION: 1 << 26,
  QUERY_ATTRIBUTES: 1 << 27,
} as const;

/**
 * What Atoll's server offers. Not offered: SSL (no TLS yet), COMPRESS, LOCAL_FILES (no LOAD
 * DATA LOCAL), SESSION_TRACK, OPTIONAL_RESULTSET_METADATA, QUERY_ATTRIBUTES. The client's
 * flags are intersected with these (`negotiated = client & server`).
 */
export const SERVER_CAPABILITIES =
  (Capability.LONG_PASSWORD |
    Capability.FOUND_ROWS |
    Capability.LONG_FLAG |
    Capability.CONNECT_WITH_DB |
    Capability.NO_SCHEMA |
    Capability.ODBC |
    Capability.IGNORE_SPACE |
    Capability.PROTOCOL_41 |
    Capability.INTERACTIVE |
    Capability.IGNORE_SIGPIPE |
    Capability.TRANSACTIONS |
    Capability.SECURE_CONNECTION |
    Capability.MULTI_STATEMENTS |
    Capability.MULTI_RESULTS |
    Capability.PS_MULTI_RESULTS |
    Capability.PLUGIN_AUTH |
    Capability.CONNECT_ATTRS |
    Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
    Capability.CAN_HANDLE_EXPIRED_PASSWORDS |
    Capability.DEPRECATE_EOF) >>>
  0;

/** Server status flags carried by OK and EOF packets (SERVER_*). */
export const ServerStatus = {
  IN_TRANS: 1,
  AUTOCOMMIT: 2,
  MORE_RESULTS_EXISTS: 8,
  NO_GOOD_INDEX_USED: 16,
  NO_INDEX_USED: 32,
  CURSOR_EXISTS: 64,
  LAST_ROW_SENT: 128,
  DB_DROPPED: 256,
  NO_BACKSLASH_ESCAPES: 512,
  METADATA_CHANGED: 1024,
  QUERY_WAS_SLOW: 2048,
  PS_OUT_PARAMS: 4096,
  IN_TRANS_READONLY: 8192,
  SESSION_STATE_CHANGED: 16384,
} as const;

/** Command bytes: the first byte of every packet a client sends after the handshake. */
export const Command = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  CREATE_DB: 0x05,
  DROP_DB: 0x06,
  REFRESH: 0x07,
  SHUTDOWN: 0x08,
  STATISTICS: 0x09,
  PROCESS_INFO: 0x0a,
  CONNECT: 0x0b,
  PROCESS_KILL: 0x0c,
  DEBUG: 0x0d,
  PING: 0x0e,
  TIME: 0x0f,
  DELAYED_INSERT: 0x10,
  CHANGE_USER: 0x11,
  BINLOG_DUMP: 0x12,
  TABLE_DUMP: 0x13,
  CONNECT_OUT: 0x14,
  REGISTER_SLAVE: 0x15,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  DAEMON: 0x1d,
  BINLOG_DUMP_GTID: 0x1e,
  RESET_CONNECTION: 0x1f,
} as const;

/** First payload byte of the server's response packets. */
export const Header = {
  OK: 0x00,
  AUTH_MORE_DATA: 0x01,
  LOCAL_INFILE: 0xfb,
  EOF: 0xfe,
  AUTH_SWITCH: 0xfe,
  ERR: 0xff,
} as const;

/** COM_SET_OPTION operations. */
export const SetOption = {
  MULTI_STATEMENTS_ON: 0,
  MULTI_STATEMENTS_OFF: 1,
} as const;

/** Largest payload one packet carries; a payload of exactly this size continues in the next packet. */
export const PACKET_PAYLOAD_BYTES_MAX = 0xffffff;

/** Authentication plugins the server speaks. */
export const AuthPlugin = {
  NATIVE: 'mysql_native_password',
  CACHING_SHA2: 'caching_sha2_password',
} as const;
