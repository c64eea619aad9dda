/**
 * The layering of ../shared/DESIGN.md, enforced: arrows point down, a module imports only
 * what is below it. `npm run lint` (part of `npm test`) fails on a violation.
 *
 *   src/cli, src/main.ts            composition root (may import anything)
 *   src/mysql                       wire protocol → sql/session-api.ts, src/base
 *   sql/                            → src/txn/txn-kv.ts, storage/key-codec.ts, src/base
 *   src/txn                         → src/meta, src/replica, src/node, storage, src/base
 *   src/meta                        → src/replica, src/node, storage, src/base
 *   src/replica, src/node           → src/transport, raft, storage, src/base
 *   src/transport                   → raft, src/base
 *   raft/                           → src/base only; no node:* modules outside raft/sim
 *   storage/                        → src/base only
 *   src/base                        → nothing of ours
 * Tests (`*.test.ts`) and tools (bench/, jepsen-tests/) may import any layer.
 */
const upper = (paths) => ({ path: paths });
module.exports = {
  forbidden: [
    { name: 'base-is-the-bottom', severity: 'error', from: { path: '^src/base/' }, to: { path: '^(src/(?!base/)|sql/|storage/|raft/|bench/|jepsen-tests/)' } },
    { name: 'storage-knows-only-base', severity: 'error', from: { path: '^storage/' }, to: upper('^(src/(?!base/)|sql/|raft/|bench/|jepsen-tests/)') },
    { name: 'raft-knows-only-base', severity: 'error', from: { path: '^raft/' }, to: upper('^(src/(?!base/)|sql/|storage/|bench/|jepsen-tests/)') },
    { name: 'raft-core-is-pure', severity: 'error', comment: 'raft/ is a deterministic state machine: no I/O, timers or clocks (the simulator may use node:*)', from: { path: '^raft/', pathNot: '^raft/sim/' }, to: { dependencyTypes: ['core'] } },
    { name: 'transport-below-node', severity: 'error', from: { path: '^src/transport/' }, to: upper('^(src/(replica|node|meta|txn|mysql|cli)/|src/main\\.ts|sql/|storage/)') },
    { name: 'replica-below-meta', severity: 'error', from: { path: '^src/(replica|node)/' }, to: upper('^(src/(meta|txn|mysql|cli)/|src/main\\.ts|sql/)') },
    { name: 'meta-below-txn', severity: 'error', from: { path: '^src/meta/' }, to: upper('^(src/(txn|mysql|cli)/|src/main\\.ts|sql/)') },
    { name: 'txn-below-sql', severity: 'error', from: { path: '^src/txn/' }, to: upper('^(src/(mysql|cli)/|src/main\\.ts|sql/)') },
    { name: 'sql-sees-only-txnkv', severity: 'error', comment: 'sql/ reaches data only through TxnKv (and the pure key codec)', from: { path: '^sql/' }, to: upper('^(src/(?!base/|txn/txn-kv\\.ts$)|storage/(?!key-codec\\.ts$|engine\\.ts$)|raft/|bench/|jepsen-tests/)') },
    { name: 'protocol-sees-only-session-api', severity: 'error', from: { path: '^src/mysql/' }, to: upper('^(src/(?!base/|mysql/)|sql/(?!session-api\\.ts$)|storage/|raft/)') },
    { name: 'lmdb-behind-one-file', severity: 'error', from: { pathNot: '^storage/lmdb-env\\.ts$' }, to: { path: 'node_modules/lmdb/' } },
    { name: 'sql-parser-behind-one-file', severity: 'error', from: { pathNot: '^sql/parser/node-sql-parser\\.ts$' }, to: { path: 'node_modules/node-sql-parser/' } },
    { name: 'mysql2-behind-one-file', severity: 'error', from: { pathNot: '^src/cli/mysql-client\\.ts$' }, to: { path: 'node_modules/mysql2/' } },
    { name: 'grpc-behind-one-file', severity: 'error', from: { pathNot: '^src/transport/grpc-transport\\.ts$' }, to: { path: 'node_modules/@grpc/grpc-js/' } },
    { name: 'protobufjs-behind-one-file', severity: 'error', from: { pathNot: '^src/transport/schema\\.ts$' }, to: { path: 'node_modules/protobufjs/' } },
    { name: 'commander-behind-one-file', severity: 'error', from: { pathNot: '^src/cli/main\\.ts$' }, to: { path: 'node_modules/commander/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.test\\.ts$|/test-support/|^dist/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'] },
  },
};
