/**
 * The one error the protocol layer raises for bad input from a client: a malformed or
 * oversized packet. It ends that client's connection (after an ERR packet where the
 * protocol still allows one) and never the server.
 */
import { ER } from '../base/errors.js';

/** Why a client's byte stream was rejected. */
export type ProtocolErrorReason = 'malformed' | 'too-large' | 'out-of-order';

/** A client sent bytes that break the protocol; the connection is closed. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly reason: ProtocolErrorReason;
  /** Sequence id of the offending packet's header, when the framing was at fault. */
  readonly sequenceId: number | null;
  constructor(reason: ProtocolErrorReason, message: string, sequenceId: number | null = null) {
    super(message);
    this.reason = reason;
    this.sequenceId = sequenceId;
  }

  /** The MySQL error number a client is told before the connection closes. */
  get errno(): number {
    return this.reason === 'too-large' ? ER.NET_PACKET_TOO_LARGE.errno : ER.NET_READ_ERROR.errno;
  }

  /** The SQLSTATE matching `errno`. */
  get sqlState(): string {
    return this.reason === 'too-large' ? ER.NET_PACKET_TOO_LARGE.sqlState : ER.NET_READ_ERROR.sqlState;
  }
}
