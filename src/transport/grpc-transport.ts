/**
 * gRPC between nodes (the only file that imports @grpc/grpc-js). Messages are encoded with
 * the protobuf codecs of `schema.ts`; services are described here by hand so no code
 * generation step is needed.
 */
import * as grpc from '@grpc/grpc-js';
import { statusRequestCodec, statusResponseCodec, type StatusResponse } from './schema.js';

const nodeService = {
  status: {
    path: '/atoll.node.Node/Status',
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: Record<string, never>) => Buffer.from(statusRequestCodec.encode(m)),
    requestDeserialize: (b: Buffer) => statusRequestCodec.decode(b),
    responseSerialize: (m: StatusResponse) => Buffer.from(statusResponseCodec.encode(m)),
    responseDeserialize: (b: Buffer) => statusResponseCodec.decode(b),
  },
} satisfies grpc.ServiceDefinition;

/** What the node answers to RPCs. */
export interface NodeRpcHandlers {
  status(): StatusResponse;
}

/** A running gRPC server. */
export interface RpcServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves the Node service on host:port (port 0 picks a free one). */
export function startRpcServer(host: string, port: number, handlers: NodeRpcHandlers): Promise<RpcServer> {
  const server = new grpc.Server();
  server.addService(nodeService, {
    status: (_call: grpc.ServerUnaryCall<Record<string, never>, StatusResponse>, callback: grpc.sendUnaryData<StatusResponse>) => {
      callback(null, handlers.status());
    },
  });
  return new Promise((done, fail) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error !== null) return fail(error);
      done({
        port: boundPort,
        close: () => new Promise<void>((closed) => server.tryShutdown(() => closed())),
      });
    });
  });
}

/** Asks a node for its status. */
export function fetchStatus(address: string, deadlineMs = 5_000): Promise<StatusResponse> {
  const Client = grpc.makeGenericClientConstructor(nodeService, 'Node');
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    status(request: Record<string, never>, options: grpc.CallOptions, callback: (e: grpc.ServiceError | null, r?: StatusResponse) => void): void;
  };
  return new Promise((done, fail) => {
    client.status({}, { deadline: Date.now() + deadlineMs }, (error, response) => {
      client.close();
      if (error !== null || response === undefined) fail(error ?? new Error('empty status response'));
      else done(response);
    });
  });
}
