/**
 * Converts node-sql-parser's MySQL AST into Atoll's syntax tree (sql/ast). Anything the
 * converter does not know becomes SqlError 1235 ("doesn't yet support"), never a guess.
 */
import { SqlError } from '../../src/base/errors.js';
import type { AggregateName, BinaryOp, CastTarget, Expr, Literal } from '../ast/expr.js';
import type { FromItem, Limit, OrderItem, Query, Select, SelectItem, SetOperator, TableName } from '../ast/query.js';
import type { ColumnSpec, IndexSpec, Statement, TypeSpec } from '../ast/statement.js';
import { unsupported } from '../errors.js';
import type { ExternalNode } from './node-sql-parser.js';
import { liftedPrefix, type LiftedLiteral } from './normalize.js';

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
      case 'use':
        return { kind: 'use', name: String(ast['db']) };
      default:
        throw unsupported(String(ast['type']).toUpperCase());
    }
  }

  query(ast: N, outer: boolean): Query {
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
    if (ast['with'] !== null && ast['with'] !== undefined) throw unsupported('WITH');
    const columns = asArray(ast['columns']);
    const items = columns.map((col, i) => this.selectItem(col, outer ? this.ctx.itemTexts[i] : undefined, columns.length === (outer ? this.ctx.itemTexts.length : -1)));
    const groupNode = ast['groupby'];
    const groupList = Array.isArray(groupNode) ? groupNode : asArray(asNode(groupNode)?.['columns']);
    const locking = str(ast['locking_read']);
    return {
      kind: 'select',
      distinct: ast['distinct'] !== null && ast['distinct'] !== undefined,
      items,
      from: this.fromList(asArray(ast['from'])),
      where: ast['where'] ? this.expr(ast['where']) : null,
      groupBy: groupList.map((g) => this.expr(g)),
      having: ast['having'] ? this.expr(ast['having']) : null,
      orderBy: this.orderBy(ast['orderby']),
      limit: this.limit(ast['limit']),
      forUpdate: locking !== null && /FOR UPDATE/i.test(locking),
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
      let join: 'inner' | 'cross' | 'left';
      if (joinText === null || joinText === 'CROSS JOIN') join = 'cross';
      else if (joinText === 'INNER JOIN' || joinText === 'JOIN') join = 'inner';
      else if (joinText === 'LEFT JOIN' || joinText === 'LEFT OUTER JOIN') join = 'left';
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
    if (ast['type'] === 'replace') throw unsupported('REPLACE');
    if (ast['on_duplicate_update']) throw unsupported('INSERT … ON DUPLICATE KEY UPDATE');
    const ignore = prefix.includes('ignore');
    const setList = asArray(ast['set']);
    if (setList.length > 0) {
      const columns = setList.map((s) => String(asNode(s)!['column']));
      const row = setList.map((s) => this.expr(asNode(s)!['value']));
      return { kind: 'insert', table, columns, rows: [row], source: null, ignore };
    }
    const columns = Array.isArray(ast['columns']) ? (ast['columns'] as unknown[]).map((c) => columnName(c)) : null;
    const values = asNode(ast['values']);
    if (values !== null && values['type'] === 'values') {
      const rows = asArray(values['values']).map((r) => asArray(asNode(r)!['value']).map((x) => this.expr(x)));
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
    if (ast['query_expr'] || ast['as']) throw unsupported('CREATE TABLE … SELECT');
    if (ast['like']) throw unsupported('CREATE TABLE … LIKE');
    const table = tableName(asNode(asArray(ast['table'])[0])!);
    const columns: ColumnSpec[] = [];
    const indexes: IndexSpec[] = [];
    for (const raw of asArray(ast['create_definitions'])) {
      const d = asNode(raw)!;
      if (d['resource'] === 'column') columns.push(this.columnSpec(d));
      else if (d['resource'] === 'index' || d['resource'] === 'constraint') {
        const ctype = String(d['constraint_type'] ?? d['keyword'] ?? '').toLowerCase();
        if (ctype.includes('foreign') || ctype.includes('check')) throw unsupported(ctype.toUpperCase());
        const cols = asArray(d['definition']).map((c) => columnName(c));
        const primary = ctype.includes('primary');
        const unique = primary || ctype.includes('unique');
        const name = str(d['index']) ?? str(d['constraint']);
        indexes.push({ name: primary ? 'PRIMARY' : name, columns: cols, unique, primary });
      } else throw unsupported('this table element');
    }
    return { kind: 'createTable', table, ifNotExists: ast['if_not_exists'] !== null && ast['if_not_exists'] !== undefined, columns, indexes };
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
    if (d['check'] || d['reference_definition']) throw unsupported('column constraints other than keys');
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
        return { kind: 'inList', operand: this.expr(left), list: values.map((x) => this.expr(x)), negated };
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
        const bop = binaryOp(op);
        if (right !== null && right['type'] === 'function' && /^(ALL|ANY|SOME)$/i.test(functionName(right))) throw unsupported(`${op} ${functionName(right)} (subquery)`);
        return { kind: 'binary', op: bop, left: this.expr(left), right: this.expr(right) };
      }
    }
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
    if (n['over']) throw unsupported('window functions');
    if (name !== 'COUNT' && name !== 'SUM' && name !== 'AVG' && name !== 'MIN' && name !== 'MAX') throw unsupported(name);
    const args = asNode(n['args'])!;
    const argNode = asNode(args['expr']);
    const distinct = String(args['distinct'] ?? '').toUpperCase() === 'DISTINCT';
    if (argNode !== null && argNode['type'] === 'star') return { kind: 'aggregate', name: name as AggregateName, arg: null, distinct: false };
    return { kind: 'aggregate', name: name as AggregateName, arg: this.expr(argNode), distinct };
  }

  call(n: N): Expr {
    const name = functionName(n).toUpperCase();
    if (n['over']) throw unsupported('window functions');
    const argsNode = asNode(n['args']);
    const rawArgs = argsNode === null ? [] : asArray(argsNode['value']);
    if (name === 'EXISTS') return { kind: 'exists', query: this.subqueryOf(argsNode) };
    if (name === '__ATOLL_DEFAULT') return { kind: 'default' };
    // The grammar reads `NOT (x)` as a call of a function named NOT.
    if (name === 'NOT' && rawArgs.length === 1) return { kind: 'unary', op: 'NOT', operand: this.expr(rawArgs[0]) };
    if (name === 'CONVERT' && rawArgs.length === 2 && asNode(rawArgs[1])?.['type'] === 'datatype') {
      return { kind: 'cast', operand: this.expr(rawArgs[0]), target: castTarget(asNode(rawArgs[1])!) };
    }
    return { kind: 'call', name, args: rawArgs.map((a) => this.expr(a)) };
  }
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

function binaryOp(op: string): BinaryOp {
  switch (op) {
    case '+': case '-': case '*': case '/': case 'DIV': case '%': case '=': case '<>': case '<': case '<=': case '>': case '>=': case 'AND': case 'OR': case 'XOR': case '<=>':
      return op;
    case 'MOD':
      return '%';
    case '!=':
      return '<>';
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
  if (name === 'CHAR' || name === 'VARCHAR' || name === 'NCHAR' || name === 'BINARY') return { kind: 'char', length: typeof t['length'] === 'number' ? t['length'] : null };
  if (name === 'DATE') return { kind: 'date' };
  if (name === 'DATETIME') return { kind: 'datetime' };
  throw unsupported(`CAST AS ${name}`);
}

/** A readable text for an expression, used to name a result column when the source text is unknown. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return literalText(e.literal);
    case 'column':
      return e.name;
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
