/**
 * Structured logs (pino) to stderr, so stdout stays clean for --json output. In a terminal
 * they are lines a person reads (time, level, message, the fields that matter); piped or
 * with --log-json / RETROVUE_LOG_JSON=1 they stay JSON, one object per line, for machines.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** JSON lines even in a terminal. */
  json?: boolean;
}

export function createLogger(options: LoggerOptions | string = {}): Logger {
  const o = typeof options === 'string' ? { level: options } : options;
  const level = o.level ?? process.env.RETROVUE_LOG_LEVEL ?? 'info';
  const json = o.json ?? (process.env.RETROVUE_LOG_JSON === '1' || !process.stderr.isTTY);
  if (json) return pino({ level, base: undefined }, pino.destination(2));
  return pino(
    { level, base: undefined },
    // Synchronous: a crash must not lose the last lines.
    pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,component', singleLine: true }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
