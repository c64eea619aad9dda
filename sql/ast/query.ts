/** Query node types; they live in expr.ts because expressions and queries nest in each other. */
export type { FromItem, Limit, OrderItem, Query, Select, SelectItem, SetOperation, SetOperator, TableName } from './expr.js';
