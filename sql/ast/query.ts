/** Query node types; they live in expr.ts because expressions and queries nest in each other. */
export type { CommonTableExpr, FromItem, Limit, OrderItem, Query, Select, SelectItem, SetOperation, SetOperator, TableName, WithClause } from './expr.js';
