/**
 * SQL-layer error helpers. MySQL error numbers that src/base/errors.ts does not list yet are
 * built here with their real errno and SQLSTATE (the lead may move them into ER).
 */
import { SqlError } from '../src/base/errors.js';

/** An error for a construct Atoll does not support yet (errno 1235). */
export function unsupported(what: string): SqlError {
  return new SqlError('NOT_SUPPORTED_YET', `This version of Atoll doesn't yet support '${what}'`);
}

/** A SqlError with an errno that ER does not have yet. */
function withErrno(errno: number, sqlState: string, message: string): SqlError {
  const e = new SqlError('UNKNOWN_ERROR', message);
  Object.defineProperty(e, 'errno', { value: errno });
  Object.defineProperty(e, 'sqlState', { value: sqlState });
  return e;
}

/** 1364: a NOT NULL column without a default got no value. */
export function noDefaultError(column: string): SqlError {
  return withErrno(1364, 'HY000', `Field '${column}' doesn't have a default value`);
}

/** 1366: a value that is not a number stored into a numeric column. */
export function incorrectValueError(typeName: string, value: string, column: string, row: number): SqlError {
  return withErrno(1366, 'HY000', `Incorrect ${typeName} value: '${value}' for column '${column}' at row ${row}`);
}

/** 1072: a key names a column the table does not have. */
export function keyColumnMissingError(column: string): SqlError {
  return withErrno(1072, '42000', `Key column '${column}' doesn't exist in table`);
}

/** 1113: CREATE TABLE without columns. */
export function tableMustHaveColumnsError(): SqlError {
  return withErrno(1113, '42000', 'A table must have at least 1 column');
}

/** 1176: DROP INDEX of an index the table does not have. */
export function unknownKeyError(key: string, table: string): SqlError {
  return new SqlError("CANT_DROP_FIELD_OR_KEY", `Can't DROP '${key}'; check that column/key exists in ${table}`);
}

/** 1222: set operation operands with different column counts. */
export function differentColumnCountError(): SqlError {
  return withErrno(1222, '21000', 'The used SELECT statements have a different number of columns');
}

/** 1221/1228: a variable set in the wrong scope. */
export function variableScopeError(name: string, isGlobalOnly: boolean): SqlError {
  return withErrno(1228, 'HY000', `Variable '${name}' is a ${isGlobalOnly ? 'GLOBAL' : 'SESSION'} variable and can't be used with SET ${isGlobalOnly ? 'SESSION' : 'GLOBAL'}`);
}

/** 1227: an operation that needs a privilege the session lacks. */
export function readOnlyVariableError(name: string): SqlError {
  return withErrno(1238, 'HY000', `Variable '${name}' is a read only variable`);
}

/** 1179: statement not allowed inside a transaction. */
export function invalidGroupFuncError(): SqlError {
  return withErrno(1111, 'HY000', 'Invalid use of group function');
}
