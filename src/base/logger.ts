/** A small levelled logger; library code logs through it, never through console.log. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger writing one line per event to stderr, at `level` and above. */
export function createLogger(component: string, level: LogLevel = envLevel()): Logger {
  const write = (at: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (order[at] < order[level]) return;
    const extra = fields === undefined ? '' : ' ' + JSON.stringify(fields, bigintSafe);
    process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase()} [${component}] ${message}${extra}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

function envLevel(): LogLevel {
  const v = process.env['ATOLL_LOG'];
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'info';
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
