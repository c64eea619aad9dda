/**
 * System variables: MySQL's names and defaults that drivers and tools read at connect time
 * (mysql2, JDBC, the mysql client), with session and global scopes.
 */
import { SqlError } from '../src/base/errors.js';
import { limits } from '../src/base/limits.js';
import { variableScopeError, readOnlyVariableError } from './errors.js';
import { serverVersion, versionComment } from './exec/server-info.js';
import { toBigInt, toText, type Value } from './values.js';

/** How a variable may be set. */
type VarScope = 'both' | 'global' | 'session' | 'readOnly';

interface VarDef {
  readonly value: Value;
  readonly scope: VarScope;
  /** Normalizes an assigned value; throws 1231 for a bad one. */
  readonly check?: (v: Value, name: string) => Value;
}

const boolVar = (v: Value, name: string): Value => {
  const text = v === null ? 'NULL' : toText(v).toUpperCase();
  if (text === '1' || text === 'ON' || text === 'TRUE') return 1n;
  if (text === '0' || text === 'OFF' || text === 'FALSE') return 0n;
  throw new SqlError('WRONG_VALUE_FOR_VAR', `Variable '${name}' can't be set to the value of '${text}'`);
};
const intVar = (v: Value, name: string): Value => {
  if (v === null) throw new SqlError('WRONG_VALUE_FOR_VAR', `Variable '${name}' can't be set to the value of 'NULL'`);
  return toBigInt(v);
};
const isolationVar = (v: Value, name: string): Value => {
  const text = v === null ? 'NULL' : toText(v).toUpperCase().replace(/[ _]/g, '-');
  if (['READ-UNCOMMITTED', 'READ-COMMITTED', 'REPEATABLE-READ', 'SERIALIZABLE'].includes(text)) return text;
  throw new SqlError('WRONG_VALUE_FOR_VAR', `Variable '${name}' can't be set to the value of '${text}'`);
};
const textVar = (v: Value): Value => (v === null ? '' : toText(v));
/** A switch Atoll only has on (SHOW CREATE always quotes identifiers): turning it off is 1231. */
const alwaysOnVar = (v: Value, name: string): Value => {
  const on = boolVar(v, name);
  if (on !== 1n) throw new SqlError('WRONG_VALUE_FOR_VAR', `Variable '${name}' can't be set to the value of '${toText(v!)}'`);
  return on;
};

const sqlModeDefault = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

const definitions: Record<string, VarDef> = {
  autocommit: { value: 1n, scope: 'both', check: boolVar },
  auto_increment_increment: { value: 1n, scope: 'both', check: intVar },
  auto_increment_offset: { value: 1n, scope: 'both', check: intVar },
  character_set_client: { value: 'utf8mb4', scope: 'both', check: textVar },
  character_set_connection: { value: 'utf8mb4', scope: 'both', check: textVar },
  character_set_database: { value: 'utf8mb4', scope: 'both', check: textVar },
  character_set_results: { value: 'utf8mb4', scope: 'both', check: textVar },
  character_set_server: { value: 'utf8mb4', scope: 'both', check: textVar },
  character_set_system: { value: 'utf8mb3', scope: 'readOnly' },
  collation_connection: { value: 'utf8mb4_general_ci', scope: 'both', check: textVar },
  collation_database: { value: 'utf8mb4_general_ci', scope: 'both', check: textVar },
  collation_server: { value: 'utf8mb4_general_ci', scope: 'both', check: textVar },
  cte_max_recursion_depth: { value: 1000n, scope: 'both', check: intVar },
  default_storage_engine: { value: 'InnoDB', scope: 'both', check: textVar },
  foreign_key_checks: { value: 1n, scope: 'both', check: boolVar },
  div_precision_increment: { value: 4n, scope: 'readOnly' },
  init_connect: { value: '', scope: 'global', check: textVar },
  innodb_lock_wait_timeout: { value: BigInt(limits.lockWaitTimeoutMs / 1000), scope: 'both', check: intVar },
  interactive_timeout: { value: 28800n, scope: 'both', check: intVar },
  license: { value: 'Apache-2.0', scope: 'readOnly' },
  /** Seconds LOCK TABLES and statements held back by another session's table lock wait (MySQL's metadata lock wait). */
  lock_wait_timeout: { value: 31_536_000n, scope: 'both', check: intVar },
  lower_case_table_names: { value: 0n, scope: 'readOnly' },
  max_allowed_packet: { value: BigInt(limits.packetBytesMax), scope: 'both', check: intVar },
  max_connections: { value: BigInt(limits.connectionsMax), scope: 'global', check: intVar },
  max_error_count: { value: 1024n, scope: 'both', check: intVar },
  max_join_size: { value: BigInt(limits.statementRowsExaminedMax), scope: 'both', check: intVar },
  max_execution_time: { value: 0n, scope: 'both', check: intVar },
  net_buffer_length: { value: 16384n, scope: 'both', check: intVar },
  net_read_timeout: { value: 30n, scope: 'both', check: intVar },
  net_write_timeout: { value: 60n, scope: 'both', check: intVar },
  performance_schema: { value: 0n, scope: 'readOnly' },
  query_cache_size: { value: 0n, scope: 'readOnly' },
  query_cache_type: { value: 'OFF', scope: 'readOnly' },
  sql_auto_is_null: { value: 0n, scope: 'both', check: boolVar },
  sql_mode: { value: sqlModeDefault, scope: 'both', check: textVar },
  // Hints for bulk loads (mysqldump sets them): notes are still recorded, unique keys still checked.
  sql_notes: { value: 1n, scope: 'both', check: boolVar },
  sql_quote_show_create: { value: 1n, scope: 'both', check: alwaysOnVar },
  unique_checks: { value: 1n, scope: 'both', check: boolVar },
  sql_safe_updates: { value: 0n, scope: 'both', check: boolVar },
  sql_select_limit: { value: 18446744073709551615n, scope: 'both', check: intVar },
  system_time_zone: { value: 'UTC', scope: 'readOnly' },
  time_zone: { value: 'SYSTEM', scope: 'both', check: textVar },
  transaction_isolation: { value: 'REPEATABLE-READ', scope: 'both', check: isolationVar },
  transaction_read_only: { value: 0n, scope: 'both', check: boolVar },
  tx_isolation: { value: 'REPEATABLE-READ', scope: 'both', check: isolationVar },
  tx_read_only: { value: 0n, scope: 'both', check: boolVar },
  version: { value: serverVersion, scope: 'readOnly' },
  version_comment: { value: versionComment, scope: 'readOnly' },
  version_compile_machine: { value: 'x86_64', scope: 'readOnly' },
  version_compile_os: { value: 'Linux', scope: 'readOnly' },
  wait_timeout: { value: 28800n, scope: 'both', check: intVar },
};

/** Aliases kept in step (setting one sets the other). */
const aliases: Record<string, string> = { tx_isolation: 'transaction_isolation', transaction_isolation: 'tx_isolation', tx_read_only: 'transaction_read_only', transaction_read_only: 'tx_read_only' };

/** Global values shared by every session of one engine. */
export class GlobalVariables {
  private readonly values = new Map<string, Value>();
  get(name: string): Value {
    const def = definitions[name];
    if (def === undefined) throw unknownVariable(name);
    return this.values.has(name) ? this.values.get(name)! : def.value;
  }
  set(name: string, value: Value): void {
    const def = definitions[name];
    if (def === undefined) throw unknownVariable(name);
    if (def.scope === 'readOnly') throw readOnlyVariableError(name);
    if (def.scope === 'session') throw variableScopeError(name, false);
    const v = def.check === undefined ? value : def.check(value, name);
    this.values.set(name, v);
    const alias = aliases[name];
    if (alias !== undefined) this.values.set(alias, v);
  }
  /** Every variable name, sorted. */
  names(): string[] {
    return Object.keys(definitions).sort();
  }
}

/** Session values, falling back to the globals. */
export class SessionVariables {
  private readonly values = new Map<string, Value>();
  constructor(private readonly globals: GlobalVariables) {}
  get(name: string): Value {
    if (this.values.has(name)) return this.values.get(name)!;
    return this.globals.get(name);
  }
  set(name: string, value: Value): Value {
    const def = definitions[name];
    if (def === undefined) throw unknownVariable(name);
    if (def.scope === 'readOnly') throw readOnlyVariableError(name);
    if (def.scope === 'global') throw variableScopeError(name, true);
    const v = def.check === undefined ? value : def.check(value, name);
    this.values.set(name, v);
    const alias = aliases[name];
    if (alias !== undefined) this.values.set(alias, v);
    return v;
  }
  /** Resets to the global values. */
  reset(name: string): void {
    this.values.delete(name);
  }
}

/** True when `name` is a known system variable. */
export function isSystemVariable(name: string): boolean {
  return definitions[name] !== undefined;
}

function unknownVariable(name: string): SqlError {
  return new SqlError('UNKNOWN_SYSTEM_VARIABLE', `Unknown system variable '${name}'`);
}
