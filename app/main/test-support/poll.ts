/** Waiting on a real station without fixed sleeps: poll a condition until a deadline. */
import { SystemClock } from '../clock/master-clock.ts';

const clock = new SystemClock();

/**
 * Resolve with the first truthy value `probe` returns; throw naming `what` (and the last
 * value seen) when `timeoutMs` passes first. Deadlines are generous: machines are busy.
 */
export async function pollUntil<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = clock.monotonicMs() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (clock.monotonicMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await clock.sleep(everyMs);
  }
}

/** Monotonic milliseconds, for measuring recovery times in tests. */
export function monoMs(): number {
  return clock.monotonicMs();
}

export function sleep(ms: number): Promise<void> {
  return clock.sleep(ms);
}
