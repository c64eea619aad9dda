/**
 * The one file that imports node-sql-parser (MySQL grammar only). It returns the parser's own
 * untyped AST; sql/parser/convert-ast.ts turns that into Atoll's syntax tree.
 */
import nodeSqlParser from 'node-sql-parser/build/mysql.js';

const parser = new nodeSqlParser.Parser();

/** A node of node-sql-parser's AST, read field by field by the converter. */
export type ExternalNode = Record<string, unknown>;

/**
 * Parses one statement with node-sql-parser's MySQL grammar. Throws the parser's own error
 * (with `location`) on a syntax error; the caller maps it to errno 1064.
 */
export function parseExternal(text: string): ExternalNode {
  const ast = parser.astify(text, { database: 'MySQL' });
  const one = Array.isArray(ast) ? ast : [ast];
  if (one.length !== 1) throw new Error('expected exactly one statement');
  return one[0] as unknown as ExternalNode;
}
