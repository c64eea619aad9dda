/**
 * Test support: a tiny SQL "server" for the client tools' tests — databases of tables of text
 * rows and a handful of statements, with MySQL's error numbers. Just enough to drive the
 * sqllogictest runner and the shell; it is no model of SQL.
 */

export interface TinyColumn {
  readonly name: string;
  readonly numeric: boolean;
}

export type TinyOutcome =
  | { readonly kind: 'rows'; readonly columns: readonly TinyColumn[]; readonly rows: (string | null)[][] }
  | { readonly kind: 'ok'; readonly affectedRows: number }
  | { readonly kind: 'error'; readonly errno: number; readonly sqlState: string; readonly message: string }
  | { readonly kind: 'hang' };

interface Table {
  readonly columns: TinyColumn[];
  readonly rows: (string | null)[][];
}

/** One session's state: its current database. */
export interface TinySession {
  database: string | null;
}

/** The server's data, shared by every session. */
export class TinySql {
  readonly databases = new Map<string, Map<string, Table>>();
  readonly executed: string[] = [];

  /** Runs one statement for `session`. */
  run(sql: string, session: TinySession): TinyOutcome {
    this.executed.push(sql);
    const text = sql.trim().replace(/;$/, '');
    let m: RegExpExecArray | null;
    if (/^SELECT SLEEP/i.test(text)) return { kind: 'hang' };
    if ((m = /^CREATE DATABASE (\w+)$/i.exec(text))) {
      if (this.databases.has(m[1]!)) return error(1007, 'HY000', `Can't create database '${m[1]}'; database exists`);
      this.databases.set(m[1]!, new Map());
      return { kind: 'ok', affectedRows: 1 };
    }
    if ((m = /^DROP DATABASE (\w+)$/i.exec(text))) {
      if (!this.databases.delete(m[1]!)) return error(1008, 'HY000', `Can't drop database '${m[1]}'; database doesn't exist`);
      return { kind: 'ok', affectedRows: 0 };
    }
    if ((m = /^USE (\w+)$/i.exec(text))) {
      if (!this.databases.has(m[1]!)) return error(1049, '42000', `Unknown database '${m[1]}'`);
      session.database = m[1]!;
      return { kind: 'ok', affectedRows: 0 };
    }
    if ((m = /^SELECT (.*)$/is.exec(text)) && !/\bFROM\b/i.test(text)) return selectLiterals(m[1]!);
    return this.runOnTables(text, session);
  }

  private runOnTables(text: string, session: TinySession): TinyOutcome {
    const tables = session.database === null ? undefined : this.databases.get(session.database);
    if (tables === undefined) return error(1046, '3D000', 'No database selected');
    const missing = (name: string): TinyOutcome => error(1146, '42S02', `Table '${session.database}.${name}' doesn't exist`);
    let m: RegExpExecArray | null;
    if ((m = /^CREATE TABLE (\w+)\s*\((.*)\)$/is.exec(text))) {
      if (tables.has(m[1]!)) return error(1050, '42S01', `Table '${m[1]}' already exists`);
      const columns = m[2]!.split(',').map((def) => {
        const [name, type] = def.trim().split(/\s+/);
        return { name: name!, numeric: /^(INT|INTEGER|REAL|DOUBLE)/i.test(type ?? '') };
      });
      tables.set(m[1]!, { columns, rows: [] });
      return { kind: 'ok', affectedRows: 0 };
    }
    if ((m = /^INSERT INTO (\w+) VALUES\s*\((.*)\)$/is.exec(text))) {
      const table = tables.get(m[1]!);
      if (table === undefined) return missing(m[1]!);
      const values = splitValues(m[2]!).map(literal);
      if (values.length !== table.columns.length) return error(1136, '21S01', "Column count doesn't match value count at row 1");
      table.rows.push(values);
      return { kind: 'ok', affectedRows: 1 };
    }
    if ((m = /^SELECT\s+\*\s+FROM\s+(\w+)$/i.exec(text))) {
      const table = tables.get(m[1]!);
      if (table === undefined) return missing(m[1]!);
      return { kind: 'rows', columns: table.columns, rows: table.rows.map((r) => [...r]) };
    }
    return error(1064, '42000', `You have an error in your SQL syntax; check the manual near '${text.slice(0, 40)}' at line 1`);
  }
}

function selectLiterals(list: string): TinyOutcome {
  const items = splitValues(list);
  const columns = items.map((item) => ({ name: item.trim(), numeric: /^-?\d/.test(item.trim()) }));
  return { kind: 'rows', columns, rows: [items.map(literal)] };
}

/** Splits a comma list, keeping commas inside single quotes. */
function splitValues(list: string): string[] {
  const values: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of list) {
    if (ch === "'") quoted = !quoted;
    if (ch === ',' && !quoted) {
      values.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  values.push(current);
  return values;
}

function literal(text: string): string | null {
  const t = text.trim();
  if (/^NULL$/i.test(t)) return null;
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'").replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  return t;
}

function error(errno: number, sqlState: string, message: string): TinyOutcome {
  return { kind: 'error', errno, sqlState, message };
}
