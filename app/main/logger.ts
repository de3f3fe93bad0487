/** Structured logs (pino) to stderr, so stdout stays clean for --json output. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.RETROVUE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
