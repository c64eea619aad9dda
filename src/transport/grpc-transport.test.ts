/** Proves the node RPC service answers over a real gRPC socket with protobuf-encoded messages. */
import { describe, expect, it } from 'vitest';
import { fetchStatus, startRpcServer } from './grpc-transport.js';

describe('node RPC over gRPC', () => {
  it('answers Status with what the handler returns', async () => {
    const server = await startRpcServer('127.0.0.1', 0, {
      status: () => ({ node_id: '1', version: '0.1.0', uptime_ms: '1234', sql_connections: 2, max_commit_ts: '18446744073709551615' }),
    });
    try {
      const status = await fetchStatus(`127.0.0.1:${server.port}`);
      expect(status).toEqual({ node_id: '1', version: '0.1.0', uptime_ms: '1234', sql_connections: 2, max_commit_ts: '18446744073709551615' });
    } finally {
      await server.close();
    }
  });
});
