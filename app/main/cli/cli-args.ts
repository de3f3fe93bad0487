/** Parsing of CLI argument values, with errors that say what was expected. */
import { LibraryError } from '../library/library-errors.ts';

export function parseWholeNumber(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new LibraryError(`${what} must be a whole number (got '${value}').`);
  return n;
}

export function parseIsoTime(value: string, what: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new LibraryError(`${what} must be an ISO-8601 time such as 2026-11-21T06:00:00-05:00 (got '${value}').`);
  }
  return ms;
}
