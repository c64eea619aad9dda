/**
 * Branded ids and quantities. A brand keeps a Term from being passed where a LogIndex is
 * expected; the value itself is a plain number or bigint at run time.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Raft term. Invariant: never decreases on one node. */
export type Term = Brand<number, 'Term'>;
/** Raft log position, 1-based; 0 means "before the first entry". */
export type LogIndex = Brand<number, 'LogIndex'>;
/** A node of the cluster (also a Raft peer id). */
export type NodeId = Brand<number, 'NodeId'>;
/** A partition of a table or index. */
export type TabletId = Brand<number, 'TabletId'>;
/** A Raft group carrying the changes of many tablets. */
export type LogStreamId = Brand<number, 'LogStreamId'>;
/**
 * A hybrid timestamp from the timestamp oracle: a bigint so commit order is exact.
 * Invariant: commit timestamps handed out by one oracle strictly increase.
 */
export type Timestamp = Brand<bigint, 'Timestamp'>;

export const term = (n: number): Term => n as Term;
export const logIndex = (n: number): LogIndex => n as LogIndex;
export const nodeId = (n: number): NodeId => n as NodeId;
export const tabletId = (n: number): TabletId => n as TabletId;
export const logStreamId = (n: number): LogStreamId => n as LogStreamId;
export const timestamp = (n: bigint): Timestamp => n as Timestamp;
