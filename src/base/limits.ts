/**
 * Every limit of the system in one place, with its unit in its name. A limit protects the
 * server from one client: exceeding it ends that statement or connection, never the process.
 */
export const limits = {
  /** Largest MySQL packet payload accepted from a client (MySQL's max_allowed_packet). */
  packetBytesMax: 64 * 1024 * 1024,
  /** Largest SQL text accepted in one COM_QUERY. */
  queryBytesMax: 16 * 1024 * 1024,
  /** Most concurrent client connections (MySQL's max_connections). */
  connectionsMax: 1000,
  /** Client packets queued behind a running command before the server stops reading that socket. */
  connectionPendingPacketsMax: 64,
  /** Deepest expression nesting accepted by the SQL layer. */
  expressionDepthMax: 1000,
  /** Most rows one statement may materialize in memory (sort, aggregate, join build side). */
  statementRowsMax: 5_000_000,
  /** Most prepared statements one connection may hold (MySQL's max_prepared_stmt_count per session). */
  preparedStatementsPerConnectionMax: 16_382,
  /** Most placeholders in one prepared statement. */
  statementParamsMax: 65_535,
  /** How long a transaction waits for a row lock before errno 1205. */
  lockWaitTimeoutMs: 50_000,
  /** Longest identifier (table, column, database name), as in MySQL. */
  identifierCharsMax: 64,
  /** Default DECIMAL precision and its maximum, as in MySQL. */
  decimalPrecisionMax: 65,
  decimalScaleMax: 30,
  /** Bytes written into one LMDB map before it grows (lmdb grows it on demand). */
  lmdbMapBytesInitial: 1024 * 1024 * 1024,
  /**
   * Longest user key the MVCC store accepts. LMDB keys are at most 1978 bytes; a user key is
   * escaped (0x00 doubles) and gets 11 bytes of framing, so 960 bytes always fit.
   */
  storageKeyBytesMax: 960,
  /** Most writes one MVCC commit may carry. */
  storageCommitWritesMax: 100_000,
  /** Longest a sqllogictest record (or a connect) may take before it counts as failed. */
  sltRecordTimeoutMs: 30_000,
  /** Lines of `atoll sql` history kept in ~/.atoll_history. */
  shellHistoryLinesMax: 1000,
} as const;
