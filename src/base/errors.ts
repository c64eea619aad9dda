/**
 * Operating errors are typed values. `SqlError` maps one-to-one onto a MySQL ERR packet with
 * MySQL's own error number and SQLSTATE, so stock drivers and tools understand it.
 */

/** MySQL error numbers Atoll raises, with their SQLSTATE. Names follow MySQL's ER_* names. */
export const ER = {
  ACCESS_DENIED: { errno: 1045, sqlState: '28000' },
  NO_DB: { errno: 1046, sqlState: '3D000' },
  UNKNOWN_COM: { errno: 1047, sqlState: '08S01' },
  BAD_NULL: { errno: 1048, sqlState: '23000' },
  BAD_DB: { errno: 1049, sqlState: '42000' },
  TABLE_EXISTS: { errno: 1050, sqlState: '42S01' },
  BAD_TABLE: { errno: 1051, sqlState: '42S02' },
  NON_UNIQ: { errno: 1052, sqlState: '23000' },
  BAD_FIELD: { errno: 1054, sqlState: '42S22' },
  WRONG_FIELD_WITH_GROUP: { errno: 1055, sqlState: '42000' },
  DUP_FIELDNAME: { errno: 1060, sqlState: '42S21' },
  DUP_KEYNAME: { errno: 1061, sqlState: '42000' },
  DUP_ENTRY: { errno: 1062, sqlState: '23000' },
  PARSE: { errno: 1064, sqlState: '42000' },
  EMPTY_QUERY: { errno: 1065, sqlState: '42000' },
  NONUNIQ_TABLE: { errno: 1066, sqlState: '42000' },
  INVALID_DEFAULT: { errno: 1067, sqlState: '42000' },
  MULTIPLE_PRI_KEY: { errno: 1068, sqlState: '42000' },
  WRONG_AUTO_KEY: { errno: 1075, sqlState: '42000' },
  CANT_DROP_FIELD_OR_KEY: { errno: 1091, sqlState: '42000' },
  DB_CREATE_EXISTS: { errno: 1007, sqlState: 'HY000' },
  DB_DROP_EXISTS: { errno: 1008, sqlState: 'HY000' },
  NET_PACKET_TOO_LARGE: { errno: 1153, sqlState: '08S01' },
  NET_READ_ERROR: { errno: 1158, sqlState: '08S01' },
  TOO_BIG_PRECISION: { errno: 1426, sqlState: '42000' },
  TOO_BIG_SCALE: { errno: 1425, sqlState: '42000' },
  UNKNOWN_SYSTEM_VARIABLE: { errno: 1193, sqlState: 'HY000' },
  LOCK_WAIT_TIMEOUT: { errno: 1205, sqlState: 'HY000' },
  LOCK_DEADLOCK: { errno: 1213, sqlState: '40001' },
  WRONG_VALUE_COUNT_ON_ROW: { errno: 1136, sqlState: '21S01' },
  NO_SUCH_TABLE: { errno: 1146, sqlState: '42S02' },
  UNKNOWN_STMT_HANDLER: { errno: 1243, sqlState: 'HY000' },
  WRONG_ARGUMENTS: { errno: 1210, sqlState: 'HY000' },
  NOT_SUPPORTED_YET: { errno: 1235, sqlState: '42000' },
  SUBQUERY_NO_1_ROW: { errno: 1242, sqlState: '21000' },
  OPERAND_COLUMNS: { errno: 1241, sqlState: '21000' },
  WARN_DATA_OUT_OF_RANGE: { errno: 1264, sqlState: '22003' },
  TRUNCATED_WRONG_VALUE: { errno: 1292, sqlState: '22007' },
  DATA_TOO_LONG: { errno: 1406, sqlState: '22001' },
  DATA_OUT_OF_RANGE: { errno: 1690, sqlState: '22003' },
  DIVISION_BY_ZERO: { errno: 1365, sqlState: '22012' },
  WRONG_VALUE_FOR_VAR: { errno: 1231, sqlState: '42000' },
  INCORRECT_GLOBAL_LOCAL_VAR: { errno: 1238, sqlState: 'HY000' },
  TOO_MANY_USER_CONNECTIONS: { errno: 1040, sqlState: '08004' },
  NEED_REPREPARE: { errno: 1615, sqlState: 'HY000' },
  MAX_PREPARED_STMT_COUNT_REACHED: { errno: 1461, sqlState: '42000' },
  QUERY_INTERRUPTED: { errno: 1317, sqlState: '70100' },
  QUERY_TIMEOUT: { errno: 3024, sqlState: 'HY000' },
  TOO_HIGH_LEVEL_OF_NESTING: { errno: 1473, sqlState: 'HY000' },
  INTERNAL: { errno: 1815, sqlState: 'HY000' },
  UNKNOWN_ERROR: { errno: 1105, sqlState: 'HY000' },
  WRONG_OBJECT: { errno: 1347, sqlState: 'HY000' },
  VIEW_WRONG_LIST: { errno: 1353, sqlState: 'HY000' },
  VIEW_RECURSIVE: { errno: 1462, sqlState: 'HY000' },
  TRG_ALREADY_EXISTS: { errno: 1359, sqlState: 'HY000' },
  TRG_DOES_NOT_EXIST: { errno: 1360, sqlState: 'HY000' },
  DUP_ENTRY_AUTOINCREMENT_CASE: { errno: 1569, sqlState: 'HY000' },
  CTE_MAX_RECURSION_DEPTH: { errno: 3636, sqlState: 'HY000' },
  CTE_RECURSIVE_REQUIRES_UNION: { errno: 3573, sqlState: 'HY000' },
  NONUNIQ_CTE: { errno: 3574, sqlState: '42000' },
  CHECK_CONSTRAINT_VIOLATED: { errno: 3819, sqlState: 'HY000' },
  SP_DOES_NOT_EXIST: { errno: 1305, sqlState: '42000' },
  TABLE_NOT_LOCKED: { errno: 1100, sqlState: 'HY000' },
  TABLE_NOT_LOCKED_FOR_WRITE: { errno: 1099, sqlState: 'HY000' },
  ROW_IS_REFERENCED_2: { errno: 1451, sqlState: '23000' },
  NO_REFERENCED_ROW_2: { errno: 1452, sqlState: '23000' },
  FK_CANNOT_OPEN_PARENT: { errno: 1824, sqlState: 'HY000' },
  FK_NO_INDEX_PARENT: { errno: 1822, sqlState: 'HY000' },
  FK_DUP_NAME: { errno: 1826, sqlState: 'HY000' },
  FK_COLUMN_CANNOT_DROP: { errno: 1828, sqlState: 'HY000' },
  FK_COLUMN_CANNOT_DROP_CHILD: { errno: 1829, sqlState: 'HY000' },
  FK_COLUMN_NOT_NULL: { errno: 1830, sqlState: 'HY000' },
  FK_DEPTH_EXCEEDED: { errno: 3008, sqlState: 'HY000' },
  FK_CANNOT_DROP_PARENT: { errno: 3730, sqlState: 'HY000' },
  FK_NO_COLUMN_PARENT: { errno: 3734, sqlState: 'HY000' },
  FK_INCOMPATIBLE_COLUMNS: { errno: 3780, sqlState: 'HY000' },
  WRONG_FK_DEF: { errno: 1239, sqlState: '42000' },
  DROP_INDEX_FK: { errno: 1553, sqlState: 'HY000' },
  TRUNCATE_ILLEGAL_FK: { errno: 1701, sqlState: '42000' },
  TOO_LONG_IDENT: { errno: 1059, sqlState: '42000' },
  CANT_DROP_COLUMN_ALL: { errno: 1090, sqlState: '42000' },
  TRUNCATED_WRONG_VALUE_FOR_FIELD: { errno: 1366, sqlState: 'HY000' },
  ILLEGAL_REFERENCE: { errno: 1247, sqlState: '42S22' },
  WINDOW_NO_SUCH_WINDOW: { errno: 3579, sqlState: 'HY000' },
  WINDOW_INVALID_USE: { errno: 3593, sqlState: 'HY000' },
  TOO_BIG_SELECT: { errno: 1104, sqlState: '42000' },
} as const satisfies Record<string, { errno: number; sqlState: string }>;

export type ErrorCode = keyof typeof ER;

/** An error a client sees as a MySQL ERR packet. */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly errno: number;
  readonly sqlState: string;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.errno = ER[code].errno;
    this.sqlState = ER[code].sqlState;
  }
}

/** A transaction must be retried by the client (serialization conflict). */
export class RetryableTxnError extends SqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LOCK_DEADLOCK', message, options);
  }
}
