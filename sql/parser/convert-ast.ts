/**
 * Converts node-sql-parser's MySQL AST into Atoll's syntax tree (sql/ast). Anything the
 * converter does not know becomes SqlError 1235 ("doesn't yet support"), never a guess.
 */
import { SqlError } from '../../src/base/errors.js';
import type { AggregateName, BinaryOp, CastTarget, CompareOp, Expr, FrameBound, Literal, WindowSpec } from '../ast/expr.js';
import type { FromItem, Limit, OrderItem, Query, Select, SelectItem, SetOperator, TableName } from '../ast/query.js';
import type { AlterAction, ColumnSpec, ForeignKeySpec, IndexSpec, ReferentialAction, Statement, TypeSpec } from '../ast/statement.js';
import { unsupported } from '../errors.js';
import type { ExternalNode } from './node-sql-parser.js';
import { liftedPrefix, limitParamPrefix, type LiftedLiteral } from './normalize.js';

type N = ExternalNode;

/** Context of one conversion: lifted literals and the select-list texts of the outer SELECT. */
export interface ConvertContext {
  readonly literals: readonly LiftedLiteral[];
  readonly itemTexts: readonly string[];
}

export { unsupported };

const asNode = (v: unknown): N | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as N) : null);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Converts one parsed statement. */
export function convertStatement(ast: N, ctx: ConvertContext): Statement {
  const c = new Converter(ctx);
  return c.statement(ast);
}

class Converter {
  /** WINDOW w AS (…) definitions of the SELECT being converted. */
  private windows = new Map<string, N>();
  constructor(private readonly ctx: ConvertContext) {}

  statement(ast: N): Statement {
    switch (ast['type']) {
      case 'select':
        return { kind: 'query', query: this.query(ast, true) };
      case 'insert':
      case 'replace':
        return this.insert(ast);
      case 'update':
        return this.update(ast);
      case 'delete':
        return this.delete(ast);
      case 'create':
        return this.create(ast);
      case 'drop':
        return this.drop(ast);
      case 'alter':
        return this.alter(ast);
      case 'use':
        return { kind: 'use', name: String(ast['db']) };
      default:
        throw unsupported(String(ast['type']).toUpperCase());
    }
  }

  query(ast: N, outer: boolean): Query {
    const withNode = asArray(ast['with']);
    const body = this.setChain(withNode.length > 0 ? { ...ast, with: null } : ast, outer);
    if (withNode.length === 0) return body;
    const ctes = withNode.map((raw) => {
      const w = asNode(raw)!;
      const name = String(asNode(w['name'])?.['value'] ?? w['name']);
      const cols = Array.isArray(w['columns']) ? (w['columns'] as unknown[]).map((c) => columnName(c)) : null;
      return { name, columns: cols, query: this.query(asNode(asNode(w['stmt'])!['ast'])!, false) };
    });
    const recursive = withNode.some((w) => asNode(w)!['recursive'] === true);
    return { ...body, with: { recursive, ctes } };
  }

  setChain(ast: N, outer: boolean): Query {
    // MySQL evaluates a chain of set operations left to right: (A UNION B) EXCEPT C.
    let node: N | null = ast;
    let result: Query | null = null;
    let pendingOp: SetOperator | null = null;
    let first = outer;
    while (node !== null) {
      const select = this.select(node, first);
      first = false;
      const nextNode = asNode(node['_next']);
      const opText = String(node['set_op'] ?? 'union').toLowerCase();
      if (result === null) result = select;
      else {
        const isLast = nextNode === null;
        const core: Select = isLast ? { ...select, orderBy: [], limit: null } : select;
        result = { kind: 'setOp', op: pendingOp!, left: result, right: core, orderBy: isLast ? select.orderBy : [], limit: isLast ? select.limit : null };
      }
      if (nextNode !== null) pendingOp = setOperator(opText);
      node = nextNode;
    }
    return result!;
  }

  select(ast: N, outer: boolean): Select {
    const saved = this.windows;
    this.windows = new Map(asArray(asNode(ast['window'])?.['expr']).map((w) => [String(asNode(w)!['name']).toLowerCase(), asNode(w)!]));
    try {
      return this.selectBody(ast, outer);
    } finally {
      this.windows = saved;
    }
  }

  selectBody(ast: N, outer: boolean): Select {
    if (asArray(ast['with']).length > 0) throw unsupported('WITH inside a set operation');
    const columns = asArray(ast['columns']);
    const items = columns.map((col, i) => this.selectItem(col, outer ? this.ctx.itemTexts[i] : undefined, columns.length === (outer ? this.ctx.itemTexts.length : -1)));
    const groupNode = ast['groupby'];
    const groupList = Array.isArray(groupNode) ? groupNode : asArray(asNode(groupNode)?.['columns']);
    const locking = str(ast['locking_read']);
    return {
      kind: 'select',
      distinct: ast['distinct'] !== null && ast['distinct'] !== undefined,
      items,
      from: this.fromList(fromItems(ast['from'])),
      where: ast['where'] ? this.expr(ast['where']) : null,
      groupBy: groupList.map((g) => this.expr(g)),
      having: ast['having'] ? this.expr(ast['having']) : null,
      orderBy: this.orderBy(ast['orderby']),
      limit: this.limit(ast['limit']),
      // A locking read: FOR UPDATE or LOCK IN SHARE MODE (both lock the rows read).
      forUpdate: locking !== null && /FOR UPDATE|LOCK IN SHARE MODE/i.test(locking),
    };
  }

  selectItem(col: unknown, text: string | undefined, textsMatch: boolean): SelectItem {
    if (col === '*') return { kind: 'star', table: null };
    const node = asNode(col)!;
    const e = asNode(node['expr'])!;
    if (e['type'] === 'column_ref' && e['column'] === '*') return { kind: 'star', table: str(e['table']) };
    const expr = this.expr(e);
    const aliasNode = node['as'];
    let alias = typeof aliasNode === 'string' ? aliasNode : asNode(aliasNode) ? String(asNode(aliasNode)!['value']) : null;
    if (alias !== null && alias.startsWith(liftedPrefix)) {
      const lit = this.ctx.literals[Number(alias.slice(liftedPrefix.length))];
      if (lit?.kind === 'string') alias = lit.value;
    }
    let itemText = textsMatch && text !== undefined ? text : exprText(expr);
    if (expr.kind === 'literal' && expr.literal.kind === 'string') itemText = expr.literal.value;
    return { kind: 'expr', expr, alias, text: itemText };
  }

  fromList(list: unknown[]): FromItem | null {
    // FROM DUAL: no table at all.
    if (list.length === 1 && asNode(list[0])?.['type'] === 'dual') return null;
    let acc: FromItem | null = null;
    for (const raw of list) {
      const node = asNode(raw)!;
      const item = this.fromItem(node);
      if (acc === null) {
        acc = item;
        continue;
      }
      const joinText = str(node['join'])?.toUpperCase() ?? null;
      if (node['using']) throw unsupported('JOIN … USING');
      const on = node['on'] ? this.expr(node['on']) : null;
      let join: 'inner' | 'cross' | 'left' | 'right';
      if (joinText === null || joinText === 'CROSS JOIN') join = 'cross';
      else if (joinText === 'INNER JOIN' || joinText === 'JOIN') join = 'inner';
      else if (joinText === 'LEFT JOIN' || joinText === 'LEFT OUTER JOIN') join = 'left';
      else if (joinText === 'RIGHT JOIN' || joinText === 'RIGHT OUTER JOIN') join = 'right';
      else throw unsupported(joinText);
      acc = { kind: 'join', join: join === 'cross' && on !== null ? 'inner' : join, left: acc, right: item, on };
    }
    return acc;
  }

  fromItem(node: N): FromItem {
    const sub = asNode(node['expr']);
    if (sub !== null && asNode(sub['ast']) !== null) {
      const alias = str(node['as']);
      if (alias === null) throw new SqlError('PARSE', 'Every derived table must have its own alias');
      return { kind: 'derived', query: this.query(asNode(sub['ast'])!, false), alias };
    }
    if (typeof node['table'] !== 'string') throw unsupported('this FROM item');
    return { kind: 'table', table: tableName(node), alias: str(node['as']) };
  }

  orderBy(v: unknown): OrderItem[] {
    return asArray(v).map((o) => {
      const n = asNode(o)!;
      return { expr: this.expr(n['expr']), descending: String(n['type'] ?? '').toUpperCase() === 'DESC' };
    });
  }

  limit(v: unknown): Limit | null {
    const n = asNode(v);
    if (n === null) return null;
    const values = asArray(n['value']).map((x) => this.expr(x));
    if (values.length === 0) return null;
    if (values.length === 1) return { count: values[0]!, offset: null };
    return n['seperator'] === ',' ? { count: values[1]!, offset: values[0]! } : { count: values[0]!, offset: values[1]! };
  }

  insert(ast: N): Statement {
    const table = tableName(asNode(asArray(ast['table'])[0])!);
    const prefix = String(ast['prefix'] ?? '').toLowerCase();
    const ignore = prefix.includes('ignore');
    const extra = this.insertConflictMode(ast);
    return { ...this.insertRows(ast, table, ignore), ...extra };
  }

  /** REPLACE and ON DUPLICATE KEY UPDATE (VALUES(col) stays a call; upsert.ts resolves it). */
  insertConflictMode(ast: N): { replace?: boolean; onDuplicate?: { column: string; value: Expr }[] } {
    if (ast['type'] === 'replace') return { replace: true };
    const dup = asNode(ast['on_duplicate_update']);
    if (dup === null) return {};
    return { onDuplicate: asArray(dup['set']).map((s) => ({ column: String(asNode(s)!['column']), value: this.expr(asNode(s)!['value']) })) };
  }

  insertRows(ast: N, table: TableName, ignore: boolean): Extract<Statement, { kind: 'insert' }> {
    const setList = asArray(ast['set']);
    if (setList.length > 0) {
      const columns = setList.map((s) => String(asNode(s)!['column']));
      const row = setList.map((s) => this.expr(asNode(s)!['value']));
      return { kind: 'insert', table, columns, rows: [row], source: null, ignore };
    }
    const columns = Array.isArray(ast['columns']) ? (ast['columns'] as unknown[]).map((c) => columnName(c)) : null;
    const values = asNode(ast['values']);
    if (values !== null && values['type'] === 'values') {
      const rows = asArray(values['values']).map((r) => asArray(asNode(r)!['value']).map((x) => this.expr(x)))
        .map((row) => (row.length === 1 && row[0]!.kind === 'call' && row[0]!.name === '__ATOLL_EMPTY_ROW' ? [] : row));
      return { kind: 'insert', table, columns, rows, source: null, ignore };
    }
    if (values !== null && values['type'] === 'select') {
      return { kind: 'insert', table, columns, rows: null, source: this.query(values, false), ignore };
    }
    throw unsupported('this INSERT form');
  }

  update(ast: N): Statement {
    const tables = asArray(ast['table']);
    if (tables.length !== 1 || asNode(tables[0])!['join']) throw unsupported('multi-table UPDATE');
    const t = asNode(tables[0])!;
    const assignments = asArray(ast['set']).map((s) => ({ column: String(asNode(s)!['column']), value: this.expr(asNode(s)!['value']) }));
    return { kind: 'update', table: tableName(t), alias: str(t['as']), assignments, where: ast['where'] ? this.expr(ast['where']) : null, orderBy: this.orderBy(ast['orderby']), limit: this.limit(ast['limit']) };
  }

  delete(ast: N): Statement {
    const from = asArray(ast['from']);
    if (from.length !== 1 || asNode(from[0])!['join']) throw unsupported('multi-table DELETE');
    return { kind: 'delete', table: tableName(asNode(from[0])!), where: ast['where'] ? this.expr(ast['where']) : null, orderBy: this.orderBy(ast['orderby']), limit: this.limit(ast['limit']) };
  }

  create(ast: N): Statement {
    const keyword = String(ast['keyword']).toLowerCase();
    if (keyword === 'database' || keyword === 'schema') {
      const db = asNode(ast['database']);
      const name = db !== null ? String(asNode(asArray(db['schema'])[0])?.['value'] ?? '') : String(ast['database']);
      return { kind: 'createDatabase', name, ifNotExists: ast['if_not_exists'] !== null && ast['if_not_exists'] !== undefined };
    }
    if (keyword === 'table') return this.createTable(ast);
    if (keyword === 'index') {
      const table = tableName(asNode(ast['table'])!);
      const cols = asArray(ast['index_columns']).map((c) => columnName(c));
      const unique = String(ast['index_type'] ?? '').toLowerCase() === 'unique';
      return { kind: 'createIndex', table, index: { name: String(ast['index']), columns: cols, unique, primary: false } };
    }
    throw unsupported(`CREATE ${keyword.toUpperCase()}`);
  }

  createTable(ast: N): Statement {
    const table = tableName(asNode(asArray(ast['table'])[0])!);
    const ifNotExists = ast['if_not_exists'] !== null && ast['if_not_exists'] !== undefined;
    const like = asNode(ast['like']);
    if (like !== null) return { kind: 'createTableLike', table, source: tableName(asNode(asArray(like['table'])[0])!), ifNotExists };
    if (ast['query_expr']) {
      if (asArray(ast['create_definitions']).length > 0) throw unsupported('CREATE TABLE (columns) … SELECT');
      return { kind: 'createTableAs', table, query: this.query(asNode(ast['query_expr'])!, false), ifNotExists };
    }
    const columns: ColumnSpec[] = [];
    const indexes: IndexSpec[] = [];
    const checks: { name: string | null; expr: Expr }[] = [];
    const foreignKeys: ForeignKeySpec[] = [];
    const check = (c: N): void => {
      if (String(c['enforced'] ?? '').toUpperCase().includes('NOT')) return;
      checks.push({ name: str(c['constraint']), expr: this.expr(asArray(c['definition'])[0]) });
    };
    for (const raw of asArray(ast['create_definitions'])) {
      const d = asNode(raw)!;
      if (d['resource'] === 'column') {
        const colCheck = asNode(d['check']);
        if (colCheck !== null) check(colCheck);
        columns.push(this.columnSpec(colCheck === null ? d : { ...d, check: null }));
      } else if (d['resource'] === 'index' || d['resource'] === 'constraint') {
        const ctype = String(d['constraint_type'] ?? d['keyword'] ?? '').toLowerCase();
        if (ctype.includes('check')) {
          check(d);
          continue;
        }
        if (ctype.includes('foreign')) {
          foreignKeys.push(foreignKeySpec(d));
          continue;
        }
        const cols = asArray(d['definition']).map((c) => columnName(c));
        const primary = ctype.includes('primary');
        const unique = primary || ctype.includes('unique');
        const name = str(d['index']) ?? str(d['constraint']);
        indexes.push({ name: primary ? 'PRIMARY' : name, columns: cols, unique, primary });
      } else throw unsupported('this table element');
    }
    return {
      kind: 'createTable', table, ifNotExists: ast['if_not_exists'] !== null && ast['if_not_exists'] !== undefined, columns, indexes,
      ...(checks.length > 0 ? { checks } : {}), ...(foreignKeys.length > 0 ? { foreignKeys } : {}),
    };
  }

  /** ALTER TABLE: ADD/DROP/MODIFY/CHANGE COLUMN, ADD/DROP INDEX, ADD UNIQUE, RENAME TO. */
  alter(ast: N): Statement {
    const table = tableName(asNode(asArray(ast['table'])[0])!);
    const actions = asArray(ast['expr']).map((raw): AlterAction => {
      const a = asNode(raw)!;
      const action = String(a['action']).toLowerCase();
      const resource = String(a['resource']).toLowerCase();
      if (resource === 'column' && action === 'add') return { kind: 'addColumn', column: this.columnSpec(a) };
      if (resource === 'column' && action === 'drop') return { kind: 'dropColumn', name: columnName(a['column']) };
      if (resource === 'column' && (action === 'modify' || action === 'change')) {
        return { kind: 'modifyColumn', oldName: columnName(a[action === 'change' ? 'old_column' : 'column']), column: this.columnSpec(a) };
      }
      if (resource === 'index' && action === 'add') return { kind: 'addIndex', index: { name: str(a['index']), columns: asArray(a['definition']).map((c) => columnName(c)), unique: false, primary: false } };
      if (resource === 'constraint' && action === 'add') {
        const d = asNode(a['create_definitions'])!;
        const ctype = String(d['constraint_type'] ?? '').toLowerCase();
        if (ctype.includes('foreign')) return { kind: 'addForeignKey', foreignKey: foreignKeySpec(d) };
        if (!ctype.includes('unique') && !ctype.includes('index') && !ctype.includes('key')) throw unsupported(`ALTER TABLE ADD ${ctype.toUpperCase()}`);
        if (ctype.includes('primary')) throw unsupported('ALTER TABLE ADD PRIMARY KEY');
        return { kind: 'addIndex', index: { name: str(d['index']) ?? str(d['constraint']), columns: asArray(d['definition']).map((c) => columnName(c)), unique: ctype.includes('unique'), primary: false } };
      }
      if (resource === 'index' && action === 'drop') return { kind: 'dropIndex', name: String(a['index']) };
      if (resource === 'key' && action === 'drop' && String(a['keyword']).toLowerCase() === 'foreign key') return { kind: 'dropForeignKey', name: String(a['key']) };
      if (resource === 'table' && action === 'rename') return { kind: 'rename', name: String(a['table']) };
      throw unsupported(`ALTER TABLE ${action.toUpperCase()} ${resource.toUpperCase()}`);
    });
    return { kind: 'alterTable', table, actions };
  }

  columnSpec(d: N): ColumnSpec {
    const def = asNode(d['definition'])!;
    const suffix = asArray(def['suffix']).map((s) => String(s).toUpperCase());
    const type: TypeSpec = {
      name: String(def['dataType']).toUpperCase(),
      length: typeof def['length'] === 'number' ? def['length'] : null,
      scale: typeof def['scale'] === 'number' ? def['scale'] : null,
      unsigned: suffix.includes('UNSIGNED'),
    };
    const nullable = asNode(d['nullable']);
    const nullText = nullable === null ? '' : String(nullable['value']).toLowerCase();
    const dflt = asNode(d['default_val']);
    // A column-level REFERENCES is parsed and ignored, as MySQL 8 does (only table-level FOREIGN KEY counts).
    if (d['check']) throw unsupported('column constraints other than keys');
    return {
      name: columnName(d['column']),
      type,
      notNull: nullText === 'not null',
      nullable: nullText === 'null',
      defaultValue: dflt === null ? null : this.expr(dflt['value']),
      autoIncrement: d['auto_increment'] !== null && d['auto_increment'] !== undefined,
      primaryKey: d['primary_key'] !== null && d['primary_key'] !== undefined,
      unique: d['unique'] !== null && d['unique'] !== undefined && String(d['unique']).length > 0,
    };
  }

  drop(ast: N): Statement {
    const keyword = String(ast['keyword']).toLowerCase();
    const ifExists = String(ast['prefix'] ?? '').toLowerCase().includes('if exists');
    if (keyword === 'database' || keyword === 'schema') return { kind: 'dropDatabase', name: String(ast['name']), ifExists };
    if (keyword === 'table') return { kind: 'dropTable', tables: asArray(ast['name']).map((t) => tableName(asNode(t)!)), ifExists };
    if (keyword === 'index') {
      const nameNode = asNode(ast['name']);
      const name = nameNode !== null ? columnName(nameNode) : String(ast['name']);
      return { kind: 'dropIndex', table: tableName(asNode(ast['table'])!), name };
    }
    throw unsupported(`DROP ${keyword.toUpperCase()}`);
  }

  exprs(v: unknown): Expr[] {
    return asArray(asNode(v)?.['value'] ?? v).map((x) => this.expr(x));
  }

  expr(raw: unknown): Expr {
    const n = asNode(raw);
    if (n === null) throw unsupported('this expression');
    if (asNode(n['ast']) !== null) return { kind: 'subquery', query: this.query(asNode(n['ast'])!, false) };
    const type = String(n['type']);
    switch (type) {
      case 'number':
        return { kind: 'literal', literal: numberLiteral(n['value']) };
      case 'bigint':
        return { kind: 'literal', literal: numberLiteral(String(n['value'])) };
      case 'single_quote_string':
      case 'double_quote_string':
      case 'natural_string':
        return this.stringLiteral(String(n['value']));
      case 'bool':
        return { kind: 'literal', literal: { kind: 'bool', value: n['value'] === true } };
      case 'null':
        return { kind: 'literal', literal: { kind: 'null' } };
      case 'column_ref':
        return this.columnRef(n);
      case 'param': {
        // `LIMIT ?` arrives as the named parameter normalize.ts put there.
        const name = String(n['value']);
        if (name.startsWith(limitParamPrefix)) return { kind: 'param', index: Number(name.slice(limitParamPrefix.length)) };
        throw unsupported(`:${name}`);
      }
      case 'origin':
        if (n['value'] === '?') throw unsupported('? in this position');
        throw unsupported(String(n['value']));
      case 'var':
        return this.variable(n);
      case 'unary_expr':
        return this.unary(n);
      case 'binary_expr':
        return this.binary(n);
      case 'case':
        return this.caseExpr(n);
      case 'cast':
        return { kind: 'cast', operand: this.expr(n['expr']), target: castTarget(asNode(asArray(n['target'])[0])!) };
      case 'extract': {
        const a = asNode(n['args'])!;
        return { kind: 'call', name: 'EXTRACT', args: [unitLiteral(a['field']), this.expr(a['source'])] };
      }
      case 'aggr_func':
        return this.aggregate(n);
      case 'function':
        return this.call(n);
      case 'expr_list': {
        const list = this.exprs(n);
        if (list.length === 1) return list[0]!;
        throw new SqlError('OPERAND_COLUMNS', 'Operand should contain 1 column(s)');
      }
      default:
        throw unsupported(type);
    }
  }

  /** The items of an IN list normalize.ts lifted whole, or undefined for any other node. */
  liftedList(raw: unknown): Expr[] | undefined {
    const n = asNode(raw);
    const value = n === null ? '' : String(n['value'] ?? n['column'] ?? '');
    if (!value.startsWith(liftedPrefix)) return undefined;
    const lit = this.ctx.literals[Number(value.slice(liftedPrefix.length))];
    if (lit?.kind !== 'list') return undefined;
    return lit.items.map((it): Expr => ({ kind: 'literal', literal: it.kind === 'string' ? { kind: 'string', value: it.value } : numberLiteral(it.text) }));
  }

  stringLiteral(value: string): Expr {
    if (value.startsWith(liftedPrefix)) {
      const lit = this.ctx.literals[Number(value.slice(liftedPrefix.length))];
      if (lit !== undefined) return liftedExpr(lit);
    }
    return { kind: 'literal', literal: { kind: 'string', value } };
  }

  columnRef(n: N): Expr {
    const column = columnName(n);
    const table = str(n['table']);
    if (column.startsWith(liftedPrefix)) return this.stringLiteral(column);
    return { kind: 'column', table, name: column };
  }

  variable(n: N): Expr {
    const prefix = String(n['prefix']);
    const name = String(n['name']);
    const members = asArray(n['members']).map(String);
    if (prefix === '@') return { kind: 'userVar', name: [name, ...members].join('.').toLowerCase() };
    const lower = name.toLowerCase();
    if ((lower === 'session' || lower === 'global' || lower === 'local') && members.length === 1) {
      return { kind: 'sysVar', scope: lower === 'global' ? 'global' : 'session', name: members[0]!.toLowerCase() };
    }
    return { kind: 'sysVar', scope: null, name: [name, ...members].join('.').toLowerCase() };
  }

  unary(n: N): Expr {
    const op = String(n['operator']).toUpperCase();
    const operand = n['expr'];
    if (op === 'NOT EXISTS') return { kind: 'unary', op: 'NOT', operand: { kind: 'exists', query: this.subqueryOf(operand) } };
    if (op === 'EXISTS') return { kind: 'exists', query: this.subqueryOf(operand) };
    if (op === '-' || op === '+' || op === '~') return { kind: 'unary', op, operand: this.expr(operand) };
    if (op === 'NOT' || op === '!') return { kind: 'unary', op: 'NOT', operand: this.expr(operand) };
    throw unsupported(op);
  }

  subqueryOf(v: unknown): Query {
    const n = asNode(v);
    const inner = n === null ? null : asNode(n['ast']) ?? (asArray(n['value']).length === 1 ? asNode(asNode(asArray(n['value'])[0])?.['ast']) : null);
    if (inner === null) throw unsupported('this subquery');
    return this.query(inner, false);
  }

  binary(n: N): Expr {
    const op = String(n['operator']).toUpperCase();
    if (logicOps.has(op)) return this.logicChain(n);
    const left = n['left'];
    const right = asNode(n['right']);
    switch (op) {
      case 'IN':
      case 'NOT IN': {
        const negated = op === 'NOT IN';
        const values = asArray(right?.['value']);
        if (values.length === 1 && asNode(asNode(values[0])?.['ast']) !== null) {
          return { kind: 'inQuery', operand: this.expr(left), query: this.query(asNode(asNode(values[0])!['ast'])!, false), negated };
        }
        return { kind: 'inList', operand: this.expr(left), list: values.flatMap((x) => this.liftedList(x) ?? [this.expr(x)]), negated };
      }
      case 'BETWEEN':
      case 'NOT BETWEEN': {
        const [low, high] = asArray(right?.['value']).map((x) => this.expr(x));
        return { kind: 'between', operand: this.expr(left), low: low!, high: high!, negated: op === 'NOT BETWEEN' };
      }
      case 'IS':
      case 'IS NOT': {
        if (right?.['type'] !== 'null') throw unsupported(`${op} TRUE/FALSE`);
        return { kind: 'isNull', operand: this.expr(left), negated: op === 'IS NOT' };
      }
      case 'LIKE':
      case 'NOT LIKE':
        return { kind: 'like', operand: this.expr(left), pattern: this.expr(right), negated: op === 'NOT LIKE' };
      default: {
        if ((op === '+' || op === '-') && (right?.['type'] === 'interval' || (op === '+' && asNode(left)?.['type'] === 'interval'))) {
          // d + INTERVAL n unit, INTERVAL n unit + d, d - INTERVAL n unit.
          const [value, iv] = right?.['type'] === 'interval' ? [left, right] : [right, asNode(left)!];
          return { kind: 'call', name: op === '+' ? 'DATE_ADD' : 'DATE_SUB', args: [this.expr(value), this.expr(iv['expr']), unitLiteral(iv['unit'])] };
        }
        const bop = binaryOp(op);
        if (right !== null && right['type'] === 'function' && /^(ALL|ANY|SOME)$/i.test(functionName(right))) {
          if (!['=', '<>', '<', '<=', '>', '>='].includes(bop)) throw unsupported(`${op} ${functionName(right)} (subquery)`);
          return { kind: 'quantified', operand: this.expr(left), op: bop as CompareOp, all: /^ALL$/i.test(functionName(right)), query: this.subqueryOf(right['args']) };
        }
        return { kind: 'binary', op: bop, left: this.expr(left), right: this.expr(right) };
      }
    }
  }

  /**
   * An AND/OR/XOR chain, re-associated: the grammar builds unparenthesized chains left to
   * right in WHERE (`a OR b AND c` as `(a OR b) AND c`). The operands in source order and
   * MySQL's precedence (AND over XOR over OR) give the right tree whatever shape came in.
   */
  logicChain(n: N): Expr {
    const operands: Expr[] = [];
    const ops: ('AND' | 'OR' | 'XOR')[] = [];
    const walk = (node: N): void => {
      const op = String(node['operator'] ?? '').toUpperCase();
      if (node['type'] === 'binary_expr' && logicOps.has(op) && (node === n || !node['parentheses'])) {
        walk(asNode(node['left'])!);
        ops.push(logicOps.get(op)!);
        walk(asNode(node['right'])!);
        return;
      }
      const inner = asNode(node['expr']);
      const innerOp = String(inner?.['operator'] ?? '').toUpperCase();
      if (node['type'] === 'unary_expr' && /^(NOT|!)$/i.test(String(node['operator'])) && !node['parentheses'] && inner !== null && inner['type'] === 'binary_expr' && logicOps.has(innerOp) && !inner['parentheses']) {
        // `NOT a AND b` read as NOT (a AND b): NOT binds to the first operand only.
        const first = operands.length;
        walk(inner);
        operands[first] = { kind: 'unary', op: 'NOT', operand: operands[first]! };
        return;
      }
      operands.push(this.expr(node));
    };
    walk(n);
    return buildLogic(operands, ops);
  }

  /** `name(args) OVER (spec | w)`. */
  windowCall(name: string, args: Expr[], over: unknown): Expr {
    let spec = asNode(over)?.['as_window_specification'];
    if (typeof spec === 'string') {
      const named = this.windows.get(spec.toLowerCase());
      if (named === undefined) throw new SqlError('WINDOW_NO_SUCH_WINDOW', `Window name '${spec}' is not defined.`);
      spec = named['as_window_specification'];
    }
    const ws = asNode(asNode(spec)?.['window_specification']) ?? {};
    const partitionBy = asArray(ws['partitionby']).map((p) => this.expr(asNode(p)!['expr']));
    return { kind: 'window', name, args, window: { partitionBy, orderBy: this.orderBy(ws['orderby']), frame: windowFrame(ws['window_frame_clause']) } };
  }

  caseExpr(n: N): Expr {
    const whens: { when: Expr; then: Expr }[] = [];
    let otherwise: Expr | null = null;
    for (const raw of asArray(n['args'])) {
      const arm = asNode(raw)!;
      if (arm['type'] === 'when') whens.push({ when: this.expr(arm['cond']), then: this.expr(arm['result']) });
      else otherwise = this.expr(arm['result']);
    }
    return { kind: 'case', operand: n['expr'] ? this.expr(n['expr']) : null, whens, otherwise };
  }

  aggregate(n: N): Expr {
    const name = String(n['name']).toUpperCase();
    if (n['over']) {
      const a = asNode(n['args']);
      const argNode = asNode(a?.['expr']);
      if (String(a?.['distinct'] ?? '') !== '' && a?.['distinct'] !== null) throw unsupported(`${name}(DISTINCT …) OVER`);
      return this.windowCall(name, argNode === null || argNode['type'] === 'star' ? [] : [this.expr(argNode)], n['over']);
    }
    if (name !== 'COUNT' && name !== 'SUM' && name !== 'AVG' && name !== 'MIN' && name !== 'MAX') throw unsupported(name);
    const args = asNode(n['args'])!;
    let argNode = asNode(args['expr']);
    let distinct = String(args['distinct'] ?? '').toUpperCase() === 'DISTINCT';
    // normalize.ts turns `SUM(DISTINCT x)` into `SUM(DISTINCT (x))`, which the grammar reads as a call DISTINCT(x).
    if (argNode !== null && argNode['type'] === 'function' && functionName(argNode).toUpperCase() === 'DISTINCT') {
      distinct = true;
      argNode = asNode(asArray(asNode(argNode['args'])?.['value'])[0]);
    }
    if (argNode !== null && argNode['type'] === 'star') return { kind: 'aggregate', name: name as AggregateName, arg: null, distinct: false };
    return { kind: 'aggregate', name: name as AggregateName, arg: this.expr(argNode), distinct };
  }

  call(n: N): Expr {
    const name = functionName(n).toUpperCase();
    const argsNode = asNode(n['args']);
    if (n['over']) return this.windowCall(name, asArray(argsNode?.['value']).map((a) => this.expr(a)), n['over']);
    const rawArgs = argsNode === null ? [] : asArray(argsNode['value']);
    if (name === 'EXISTS') return { kind: 'exists', query: this.subqueryOf(argsNode) };
    if (name === '__ATOLL_DEFAULT') return { kind: 'default' };
    // The grammar reads `NOT (x)` as a call of a function named NOT.
    if (name === 'NOT' && rawArgs.length === 1) return { kind: 'unary', op: 'NOT', operand: this.expr(rawArgs[0]) };
    if (name === 'CONVERT' && rawArgs.length === 2 && asNode(rawArgs[1])?.['type'] === 'datatype') {
      return { kind: 'cast', operand: this.expr(rawArgs[0]), target: castTarget(asNode(rawArgs[1])!) };
    }
    // CONVERT(x USING charset): one character set here, so the value is unchanged.
    if (name === 'CONVERT' && rawArgs.length === 1 && /^USING /i.test(String(asNode(rawArgs[0])?.['suffix'] ?? ''))) return this.expr({ ...asNode(rawArgs[0])!, suffix: null });
    if (name === 'TRIM') return this.trimCall(rawArgs);
    // POSITION(a IN b) arrives as POSITION(a IN (b)).
    if (name === 'POSITION' && rawArgs.length === 1 && asNode(rawArgs[0])?.['operator'] === 'IN') {
      const inNode = asNode(rawArgs[0])!;
      const haystack = asNode(inNode['right'])!;
      const hay = haystack['type'] === 'expr_list' ? asArray(haystack['value'])[0] : haystack;
      return { kind: 'call', name: 'LOCATE', args: [this.expr(inNode['left']), this.expr(hay)] };
    }
    return { kind: 'call', name, args: rawArgs.flatMap((a) => this.callArg(a)) };
  }

  /** A call argument: `INTERVAL n unit` becomes (n, 'UNIT'); a bare unit word (TIMESTAMPDIFF(DAY, …)) a string. */
  callArg(raw: unknown): Expr[] {
    const a = asNode(raw);
    if (a?.['type'] === 'interval') return [this.expr(a['expr']), unitLiteral(a['unit'])];
    if (a?.['type'] === 'origin' && typeof a['value'] === 'string' && /^[A-Z_]+$/i.test(a['value'])) return [unitLiteral(a['value'])];
    return [this.expr(raw)];
  }

  /** TRIM([BOTH | LEADING | TRAILING] [remstr] FROM str) as TRIM(str, remstr, 'MODE'). */
  trimCall(rawArgs: unknown[]): Expr {
    let mode = 'BOTH';
    let rest = rawArgs;
    const first = asNode(rest[0]);
    if (first?.['type'] === 'origin' && /^(BOTH|LEADING|TRAILING)$/i.test(String(first['value']))) {
      mode = String(first['value']).toUpperCase();
      rest = rest.slice(1);
    }
    const fromAt = rest.findIndex((x) => asNode(x)?.['type'] === 'origin' && /^from$/i.test(String(asNode(x)!['value'])));
    if (fromAt < 0) return { kind: 'call', name: 'TRIM', args: rest.map((x) => this.expr(x)) };
    const remstr: Expr = fromAt === 0 ? { kind: 'literal', literal: { kind: 'string', value: ' ' } } : this.expr(rest[0]);
    return { kind: 'call', name: 'TRIM', args: [this.expr(rest[fromAt + 1]), remstr, { kind: 'literal', literal: { kind: 'string', value: mode } }] };
  }
}

const logicOps = new Map<string, 'AND' | 'OR' | 'XOR'>([['AND', 'AND'], ['&&', 'AND'], ['OR', 'OR'], ['||', 'OR'], ['XOR', 'XOR']]);
const logicPrecedence = { OR: 1, XOR: 2, AND: 3 } as const;

/** Builds `operands[0] ops[0] operands[1] …` with AND over XOR over OR, each left-associative. */
function buildLogic(operands: readonly Expr[], ops: readonly ('AND' | 'OR' | 'XOR')[]): Expr {
  let pos = 0;
  const climb = (minPrec: number): Expr => {
    let left = operands[pos]!;
    while (pos < ops.length && logicPrecedence[ops[pos]!] >= minPrec) {
      const op = ops[pos]!;
      pos++;
      const right = climb(logicPrecedence[op] + 1);
      left = { kind: 'binary', op, left, right };
    }
    return left;
  };
  return climb(1);
}

/** FROM items; `FROM (a JOIN b)` comes as `{ expr: [...], joins: [...] }`. */
function fromItems(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const n = asNode(v);
  return n === null ? [] : [...asArray(n['expr']), ...asArray(n['joins'])];
}

/** A window frame clause: ROWS/RANGE with one bound (… AND CURRENT ROW) or BETWEEN two. */
function windowFrame(raw: unknown): WindowSpec['frame'] {
  const n = asNode(raw);
  if (n === null) return null;
  if (n['type'] === 'rows' || n['type'] === 'range') {
    return { unit: n['type'] === 'rows' ? 'ROWS' : 'RANGE', start: frameBound(asNode(n['expr'])), end: { kind: 'currentRow' } };
  }
  if (n['type'] === 'binary_expr' && n['operator'] === 'BETWEEN') {
    const unit = String(asNode(n['left'])?.['value'] ?? '').toUpperCase();
    const [a, b] = asArray(asNode(n['right'])?.['value']).map((x) => frameBound(asNode(x)));
    if ((unit !== 'ROWS' && unit !== 'RANGE') || a === undefined || b === undefined) throw unsupported('this window frame');
    return { unit, start: a, end: b };
  }
  throw unsupported('this window frame');
}

function frameBound(n: N | null): FrameBound {
  const text = String(n?.['value'] ?? '').toUpperCase().trim();
  if (text === 'UNBOUNDED PRECEDING') return { kind: 'unboundedPreceding' };
  if (text === 'UNBOUNDED FOLLOWING') return { kind: 'unboundedFollowing' };
  if (text === 'CURRENT ROW') return { kind: 'currentRow' };
  const m = /^(\d+)\s+(PRECEDING|FOLLOWING)$/.exec(text);
  if (m === null) throw unsupported(`window frame bound ${text}`);
  return { kind: m[2] === 'PRECEDING' ? 'preceding' : 'following', rows: Number(m[1]) };
}

/** An INTERVAL / TIMESTAMPDIFF unit as an upper-case string literal. */
function unitLiteral(unit: unknown): Expr {
  return { kind: 'literal', literal: { kind: 'string', value: String(unit).toUpperCase() } };
}

function setOperator(text: string): SetOperator {
  if (text === 'union all') return 'unionAll';
  if (text === 'union' || text === 'union distinct') return 'union';
  if (text === 'except' || text === 'except distinct') return 'except';
  if (text === 'intersect' || text === 'intersect distinct') return 'intersect';
  throw unsupported(text.toUpperCase());
}

function liftedExpr(lit: LiftedLiteral): Expr {
  switch (lit.kind) {
    case 'string':
      return { kind: 'literal', literal: { kind: 'string', value: lit.value } };
    case 'float':
      return { kind: 'literal', literal: { kind: 'float', value: Number(lit.text) } };
    case 'hex':
      return { kind: 'literal', literal: { kind: 'int', value: BigInt(lit.text) } };
    case 'param':
      return { kind: 'param', index: lit.index };
    case 'list':
      throw unsupported('a literal list here');
  }
}

function numberLiteral(v: unknown): Literal {
  const text = String(v);
  if (/^-?\d+$/.test(text)) return { kind: 'int', value: BigInt(text) };
  if (/^-?\d*\.\d*$/.test(text)) return { kind: 'decimal', text };
  const n = Number(text);
  if (!Number.isFinite(n)) throw unsupported(`number ${text}`);
  return { kind: 'float', value: n };
}

function functionName(n: N): string {
  const name = n['name'];
  if (typeof name === 'string') return name;
  const parts = asArray(asNode(name)?.['name']);
  return parts.map((p) => String(asNode(p)?.['value'] ?? '')).join('.');
}

function columnName(v: unknown): string {
  if (typeof v === 'string') return v;
  const n = asNode(v);
  if (n === null) throw unsupported('this column reference');
  const col = n['column'];
  if (typeof col === 'string') return col;
  const inner = asNode(asNode(col)?.['expr']);
  if (inner !== null) return String(inner['value']);
  if (typeof n['value'] === 'string') return n['value'];
  throw unsupported('this column reference');
}

function tableName(n: N): TableName {
  return { db: str(n['db']), name: String(n['table']) };
}

/** A table-level FOREIGN KEY clause (CREATE TABLE or ALTER TABLE … ADD). */
function foreignKeySpec(d: N): ForeignKeySpec {
  const ref = asNode(d['reference_definition']);
  const parent = asNode(asArray(ref?.['table'])[0]);
  if (ref === null || parent === null) throw unsupported('FOREIGN KEY without REFERENCES');
  // MATCH FULL/PARTIAL/SIMPLE makes MySQL ignore the ON DELETE/ON UPDATE clauses of the key.
  const matched = ref['match'] !== null && ref['match'] !== undefined;
  const actionOf = (on: string): ReferentialAction | null => {
    if (matched) return null;
    const a = asArray(ref['on_action']).map((x) => asNode(x)!).find((x) => String(x['type']).toLowerCase() === on);
    if (a === undefined) return null;
    const text = String(asNode(a['value'])?.['value'] ?? a['value']).toUpperCase().replace(/\s+/g, ' ');
    if (text !== 'RESTRICT' && text !== 'CASCADE' && text !== 'SET NULL' && text !== 'NO ACTION' && text !== 'SET DEFAULT') throw unsupported(`${on.toUpperCase()} ${text}`);
    return text;
  };
  return {
    name: str(d['constraint']),
    indexName: str(d['index']),
    columns: asArray(d['definition']).map((c) => columnName(c)),
    parent: tableName(parent),
    parentColumns: asArray(ref['definition']).map((c) => columnName(c)),
    onDelete: actionOf('on delete'),
    onUpdate: actionOf('on update'),
  };
}

function binaryOp(op: string): BinaryOp {
  switch (op) {
    case '+': case '-': case '*': case '/': case 'DIV': case '%': case '=': case '<>': case '<': case '<=': case '>': case '>=': case 'AND': case 'OR': case 'XOR': case '<=>':
      return op;
    case 'MOD':
      return '%';
    case '!=':
      // normalize.ts sends `<=>` as `!=` (a real `!=` arrives as `<>`).
      return '<=>';
    case '&&':
      return 'AND';
    case '||':
      return 'OR';
    default:
      throw unsupported(`operator ${op}`);
  }
}

function castTarget(t: N): CastTarget {
  const name = String(t['dataType']).toUpperCase();
  if (name === 'SIGNED' || name === 'SIGNED INTEGER' || name === 'INTEGER' || name === 'INT') return { kind: 'signed' };
  if (name === 'UNSIGNED' || name === 'UNSIGNED INTEGER') return { kind: 'unsigned' };
  if (name === 'DECIMAL' || name === 'NUMERIC') {
    const p = typeof t['length'] === 'number' ? t['length'] : 10;
    const s = typeof t['scale'] === 'number' ? t['scale'] : 0;
    return { kind: 'decimal', precision: p, scale: s };
  }
  if (name === 'DOUBLE' || name === 'REAL' || name === 'FLOAT') return { kind: 'double' };
  if (name === 'CHAR' || name === 'VARCHAR' || name === 'NCHAR') return { kind: 'char', length: typeof t['length'] === 'number' ? t['length'] : null };
  if (name === 'DATE') return { kind: 'date' };
  if (name === 'DATETIME') return { kind: 'datetime' };
  if (name === 'TIME') return { kind: 'time' };
  if (name === 'BINARY' || name === 'VARBINARY') return { kind: 'binary', length: typeof t['length'] === 'number' ? t['length'] : null };
  throw unsupported(`CAST AS ${name}`);
}

/** Set while `qualifiedExprText` runs (exprText is synchronous). */
let qualifyColumns = false;

/** exprText with columns as written with their table (`x.src = a.id`), for EXPLAIN's conditions. */
export function qualifiedExprText(e: Expr): string {
  qualifyColumns = true;
  try {
    return exprText(e);
  } finally {
    qualifyColumns = false;
  }
}

/** A readable text for an expression, used to name a result column when the source text is unknown. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return literalText(e.literal);
    case 'column':
      return qualifyColumns && e.table !== null ? `${e.table}.${e.name}` : e.name;
    case 'param':
      return '?';
    case 'unary':
      return e.op === 'NOT' ? `NOT ${exprText(e.operand)}` : `${e.op}${exprText(e.operand)}`;
    case 'binary':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case 'isNull':
      return `${exprText(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'between':
      return `${exprText(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${exprText(e.low)} AND ${exprText(e.high)}`;
    case 'inList':
      return `${exprText(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(exprText).join(',')})`;
    case 'inQuery':
      return `${exprText(e.operand)} IN (subquery)`;
    case 'quantified':
      return `${exprText(e.operand)} ${e.op} ${e.all ? 'ALL' : 'ANY'} (subquery)`;
    case 'exists':
      return 'EXISTS (subquery)';
    case 'subquery':
      return '(subquery)';
    case 'like':
      return `${exprText(e.operand)} LIKE ${exprText(e.pattern)}`;
    case 'case':
      return 'CASE';
    case 'call':
      return `${e.name}(${e.args.map(exprText).join(',')})`;
    case 'aggregate':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.arg === null ? '*' : exprText(e.arg)})`;
    case 'window':
      return `${e.name}(${e.args.map(exprText).join(',')}) OVER (…)`;
    case 'cast':
      return `CAST(${exprText(e.operand)})`;
    case 'sysVar':
      return `@@${e.scope === null ? '' : e.scope + '.'}${e.name}`;
    case 'userVar':
      return `@${e.name}`;
    case 'default':
      return 'DEFAULT';
  }
}

function literalText(l: Literal): string {
  switch (l.kind) {
    case 'null':
      return 'NULL';
    case 'int':
      return l.value.toString();
    case 'decimal':
      return l.text;
    case 'float':
      return String(l.value);
    case 'string':
      return l.value;
    case 'bool':
      return l.value ? 'TRUE' : 'FALSE';
  }
}
