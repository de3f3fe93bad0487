/**
 * Fault: 300 rapid tune-in/out cycles on one channel with a short linger: hang-ups before
 * the answer, after the headers, after a few bytes, after a moment, some overlapping,
 * with gaps both shorter and longer than the linger. Afterwards nothing runs, the channel
 * says stopped, and memory is where it was.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelManager } from '../runtime/channel-manager.ts';
import { buildLoopStation, startFaultStation, type FaultStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { settledMemory } from '../test-support/memory.ts';
import { monoMs, pollUntil, sleep } from '../test-support/poll.ts';
import { ffmpegUnder } from '../test-support/proc-tree.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const CYCLES = 300;
const WARMUP = 20;
const LINGER_MS = 300;
const GROWTH_LIMIT_MB = 40;

/** Deterministic pseudo-random numbers in [0, 1), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

type Outcome = 'aborted' | 'headers' | 'bytes' | 'watched';

/** One tune-in: hang up at the point `how` says. Resolves with the HTTP status (0 if none came). */
function tuneOnce(url: string, how: Outcome, amount: number): Promise<number> {
  return new Promise((resolve) => {
    let status = 0;
    let got = 0;
    const req = http.get(url, { agent: false }, (res) => {
      status = res.statusCode ?? 0;
      if (how === 'headers' || status !== 200) return req.destroy();
      if (how === 'watched') setTimeout(() => req.destroy(), amount);
      res.on('data', (c: Buffer) => {
        got += c.length;
        if (how === 'bytes' && got >= amount) req.destroy();
      });
    });
    // Every path ends in a destroyed socket: the answer is whatever status had come by then.
    req.on('close', () => resolve(status));
    req.on('error', () => {});
    if (how === 'aborted') setTimeout(() => req.destroy(), amount);
    setTimeout(() => req.destroy(), 15_000);
  });
}

describe('300 rapid tune-in/out cycles', () => {
  const tmp = makeTempDir('retrovue-fault-flap-');
  let st: FaultStation;
  let manager: ChannelManager;

  beforeAll(async () => {
    const built = await buildLoopStation(tmp.dir, [{ name: 'a.mp4', seconds: 6 }, { name: 'b.mp4', seconds: 4, numberOffset: 1000 }]);
    st = await startFaultStation(built.data, { lingerMs: LINGER_MS });
    manager = st.running.director.manager(1) as ChannelManager;
  });
  afterAll(async () => {
    await st?.stop();
    tmp.cleanup();
  });

  it('leaves no ffmpeg, a stopped channel and flat memory', async () => {
    const url = `${st.base}/iptv/channel/1.ts`;
    const rand = prng(8);
    const ways: Outcome[] = ['aborted', 'headers', 'bytes', 'watched'];
    let starts = 0;
    manager.on('status', (s) => void (s.producerStatus === 'starting' && starts++));
    const statuses = new Map<number, number>();
    const cycle = async (): Promise<void> => {
      const how = ways[Math.floor(rand() * ways.length)]!;
      const amount = how === 'bytes' ? 1 + Math.floor(rand() * 8000) : Math.floor(rand() * 300);
      // Now and then several viewers tune in at once.
      const n = rand() < 0.08 ? 3 : 1;
      const got = await Promise.all(Array.from({ length: n }, () => tuneOnce(url, how, amount)));
      for (const s of got) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      // Mostly quicker than the linger (the output stays up), sometimes longer (it stops and starts again).
      await sleep(rand() < 0.7 ? Math.floor(rand() * 100) : LINGER_MS + Math.floor(rand() * 200));
    };

    for (let i = 0; i < WARMUP; i++) await cycle();
    await pollUntil('the channel off air after the warm-up', () => manager.runtimeStatus().producerStatus === 'stopped', 20_000);
    const before = await settledMemory();
    const t0 = monoMs();
    statuses.clear();
    starts = 0;
    for (let i = 0; i < CYCLES; i++) await cycle();
    const loopMs = monoMs() - t0;
    await pollUntil('the channel stopped with no ffmpeg left', () => {
      const rt = manager.runtimeStatus();
      return rt.producerStatus === 'stopped' && rt.viewerCount === 0 && rt.pids.length === 0 && ffmpegUnder().length === 0;
    }, 20_000);
    const after = await settledMemory();
    const rssGrowth = after.rssMb - before.rssMb;
    const heapGrowth = after.heapUsedMb - before.heapUsedMb;

    const answered = [...statuses].map(([s, n]) => `${s || 'none'}×${n}`).join(', ');
    report(`${CYCLES} tune-in/out cycles in ${(loopMs / 1000).toFixed(1)} s (linger ${LINGER_MS} ms): channel went on air ${starts} times; answers ${answered}`);
    report(`after the cycles: ${ffmpegUnder().length} ffmpeg left, channel ${manager.runtimeStatus().producerStatus}`);
    report(`memory${after.collected ? ' (after gc)' : ' (after a settle)'}: RSS ${before.rssMb.toFixed(1)} → ${after.rssMb.toFixed(1)} MB (${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)}), heapUsed ${before.heapUsedMb.toFixed(1)} → ${after.heapUsedMb.toFixed(1)} MB (${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)})`);
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 0), 'no tune-in is refused').toEqual([]);
    expect(starts).toBeGreaterThan(10);
    expect(rssGrowth).toBeLessThan(GROWTH_LIMIT_MB);
    expect(heapGrowth).toBeLessThan(GROWTH_LIMIT_MB);
    expect(manager.runtimeStatus()).toMatchObject({ producerStatus: 'stopped', viewerCount: 0, pids: [] });
    expect(ffmpegUnder()).toEqual([]);
  }, 600_000);
});
