/**
 * Public surface of the Raft core: a host (src/replica, src/node) imports from here only.
 */
export type { ConfChange, ConfChangeSingle, ConfChangeTransition, ConfChangeType } from './conf-change.js';
export { decodeConfChange, encodeConfChange } from './conf-change.js';
export type { RaftConfig, ReadOnlyOption, TestOnlyBugs } from './config.js';
export { defaultRaftConfig, validateRaftConfig } from './config.js';
export type { DropReason, ProposeResult, RaftStatus } from './raw-node.js';
export { RawNode } from './raw-node.js';
export type { RaftStorage } from './storage.js';
export { MemoryStorage } from './storage.js';
export type {
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  RaftRole,
  Ready,
  ReadState,
  Snapshot,
  SnapshotMetadata,
  SoftState,
} from './types.js';
export { EMPTY_CONF_STATE, EMPTY_HARD_STATE, NO_NODE, makeMessage } from './types.js';
