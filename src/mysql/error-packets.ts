/** What a client is told when something fails: ERR packet fields for every kind of failure. */
import { SqlError } from '../base/errors.js';
import type { Logger } from '../base/logger.js';
import type { ErrPacket } from './codecs/err-packet.js';
import { ProtocolError } from './protocol-error.js';

/** Errors the protocol layer raises itself, with MySQL's numbers. */
export const ProtocolErr = {
  accessDenied: { errno: 1045, sqlState: '28000', message: 'Access denied' },
  badHandshake: { errno: 1043, sqlState: '08S01', message: 'Bad handshake' },
  unknownCommand: { errno: 1047, sqlState: '08S01', message: 'Unknown command' },
  tooManyConnections: { errno: 1040, sqlState: '08004', message: 'Too many connections' },
  malformed: { errno: 1835, sqlState: 'HY000', message: 'Malformed communication packet.' },
} as const;

/**
 * The ERR packet for anything a handler threw: a SqlError as is, a malformed payload as
 * ER_MALFORMED_PACKET, anything else (a bug somewhere) as ERR 1105, logged with its stack.
 */
export function errPacketOf(error: unknown, logger: Logger): ErrPacket {
  if (error instanceof SqlError) return { errno: error.errno, sqlState: error.sqlState, message: error.message };
  if (error instanceof ProtocolError) return { ...ProtocolErr.malformed, message: `${ProtocolErr.malformed.message} ${error.message}` };
  logger.error('internal error while serving a client', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  const message = error instanceof Error ? error.message : String(error);
  return { errno: 1105, sqlState: 'HY000', message: `Unknown error: ${message}` };
}
