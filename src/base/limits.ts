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
  /**
   * Most row combinations one statement's joins may examine (errno 1104 past it): a cross join
   * of large tables that a WHERE clause filters to nothing still ends, with an error.
   */
  statementRowsExaminedMax: 50_000_000,
  /** Most elements of one IN (…) list. */
  inListElementsMax: 1_000_000,
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
  /**
   * Rows one batch of an online ALTER TABLE reads and writes in its own transaction (index
   * backfill, dropped-column cleanup): what bounds a schema change's commits, and how long a
   * concurrent writer of those rows may wait.
   */
  ddlBackfillBatchRows: 256,
  /** Times one such batch is run again after a write conflict with concurrent DML (errno 1213). */
  ddlBackfillBatchRetriesMax: 64,
  /**
   * Passes an online MODIFY COLUMN makes over the rows: one more each time a concurrent writer
   * stored a value the new type refuses behind the backfill (the pass finds the row, or sees it
   * fixed); after the last, the ALTER fails with that writer's error.
   */
  ddlConversionPassesMax: 3,
  /** Statements (parameterized texts) the plan cache of one SQL engine remembers. */
  planCacheEntriesMax: 4096,
  /** Longest statement text the plan cache keeps a template of; longer ones are parsed every time. */
  planCacheStatementCharsMax: 64 * 1024,
  /**
   * Total characters of cached statement keys. A template's tree takes roughly 10–20 times its
   * text, so this bounds the cache's memory (about 80 MB at worst) together with the entry count.
   */
  planCacheCharsMax: 4 * 1024 * 1024,
  /**
   * Times an autocommit statement is run again after a write conflict or deadlock (errno 1213)
   * before the client sees it. Under REPEATABLE READ every waiter for a hot row but one loses
   * each round, so this bounds how many concurrent writers of one row all succeed.
   */
  autocommitConflictRetriesMax: 32,
  /**
   * Most inner-join leaves the planner orders by exhaustive dynamic programming over subsets
   * (2^n states); a join with more leaves is ordered greedily by the same cost model.
   */
  joinReorderTablesMax: 8,
  /**
   * Most distinct outer values a batched index nested-loop join looks up in the inner table;
   * with more, the inner table is read whole and joined by hash (fewer round trips then).
   */
  joinLookupKeysMax: 10_000,
  /**
   * Rows ANALYZE TABLE reads values from. A larger table is counted whole, then every k-th
   * row (k = ceil(rows / this)) is decoded and distinct counts are scaled up (GEE estimator).
   */
  statsSampleRowsMax: 50_000,
  /** Keys counted to estimate the rows of a table never analyzed (an estimate, capped here). */
  statsUnanalyzedCountRowsMax: 1_000,
  /** Tables whose statistics one SQL engine keeps in memory (least recently used go first). */
  statsCacheTablesMax: 10_000,
  /** Longest a sqllogictest record (or a connect) may take before it counts as failed. */
  sltRecordTimeoutMs: 30_000,
  /** Lines of `atoll sql` history kept in ~/.atoll_history. */
  shellHistoryLinesMax: 1000,
  /** Pause between two turns of MVCC version garbage collection. */
  gcIntervalMs: 1_000,
  /** Versions one GC turn may look at (bounds the time it holds the event loop). */
  gcVersionsVisitedPerTurnMax: 20_000,
} as const;
