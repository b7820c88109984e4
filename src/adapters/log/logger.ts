/**
 * Structured logs for unattended runs: JSON lines when the output is not a terminal (or when asked),
 * readable lines on a terminal. Fields that look like secrets are never written.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|api[-_]?key/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  readonly format: 'auto' | 'json' | 'text';
  readonly level: LogLevel;
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  readonly now?: () => Date;
}

function clean(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (v === undefined) continue;
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : v instanceof Error ? v.message : v;
  }
  return out;
}

export function createLogger(o: LoggerOptions): Logger {
  const json = o.format === 'json' || (o.format === 'auto' && !o.stream.isTTY);
  const now = o.now ?? (() => new Date());
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[o.level]) return;
    const f = clean(fields);
    if (json) {
      o.stream.write(`${JSON.stringify({ time: now().toISOString(), level, msg, ...f })}\n`);
    } else {
      const extra = Object.entries(f)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
        .join(' ');
      o.stream.write(`${now().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ` ${extra}` : ''}\n`);
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything (tests, quiet mode). */
export const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };
