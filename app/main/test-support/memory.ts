/** Memory of this process, after a full collection where V8 allows one. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sleep } from './poll.ts';

let gc: (() => void) | null = null;
try {
  // Without --expose-gc on the command line, the flag still takes effect for a new context.
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
} catch {
  gc = null;
}

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
  collected: boolean;
}

/** Settle, collect (twice: finalizers free more), then sample. */
export async function settledMemory(settleMs = 1000): Promise<MemorySample> {
  await sleep(settleMs);
  if (gc) {
    gc();
    await sleep(50);
    gc();
  }
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20, collected: gc !== null };
}
