/**
 * Fault: media that breaks after it was scanned: one file truncated to half, one
 * overwritten with random bytes, one deleted. Each airs the error slate for its slot
 * (bytes keep flowing, the station log names the file) and the next event airs on time.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrameNumbers } from '../media/test-media.ts';
import type { ChannelManager } from '../runtime/channel-manager.ts';
import { buildLoopStation, FAULT_FPS, startFaultStation, type FaultStation, type LoopStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { LiveViewer } from '../test-support/live-viewer.ts';
import { blueTint } from '../test-support/picture-tint.ts';
import { monoMs, pollUntil } from '../test-support/poll.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const CLIP_S = 2;
const SLOT_FRAMES = CLIP_S * FAULT_FPS;
const BROKEN = ['02-truncated.mp4', '03-garbage.mp4', '04-vanished.mp4'];

type Picture = 'slate' | 'black' | number;

/** Runs of the same kind of picture: a clip (frame number / 100), the slate, or black. */
function runs(pictures: Picture[]): { what: string; length: number; first: Picture }[] {
  const out: { what: string; length: number; first: Picture }[] = [];
  for (const p of pictures) {
    const what = typeof p === 'number' ? `clip${Math.floor(p / 100)}` : p;
    const last = out.at(-1);
    if (last?.what === what) last.length++;
    else out.push({ what, length: 1, first: p });
  }
  return out;
}

describe('corrupt, truncated and vanished media', () => {
  const tmp = makeTempDir('retrovue-fault-media-');
  let built: LoopStation;
  let st: FaultStation;
  let manager: ChannelManager;

  beforeAll(async () => {
    built = await buildLoopStation(tmp.dir, [
      { name: '01-good.mp4', seconds: CLIP_S, numberOffset: 0 },
      { name: '02-truncated.mp4', seconds: CLIP_S, numberOffset: 100 },
      { name: '03-garbage.mp4', seconds: CLIP_S, numberOffset: 200 },
      { name: '04-vanished.mp4', seconds: CLIP_S, numberOffset: 300 },
      { name: '05-good.mp4', seconds: CLIP_S, numberOffset: 400 },
    ]);
    // Broken after the scan, as a failing disk or a careless user would.
    const f = built.files;
    truncateSync(f['02-truncated.mp4']!, Math.floor(statSync(f['02-truncated.mp4']!).size / 2));
    writeFileSync(f['03-garbage.mp4']!, randomBytes(readFileSync(f['03-garbage.mp4']!).length));
    rmSync(f['04-vanished.mp4']!);
    st = await startFaultStation(built.data, { lingerMs: 0 });
    manager = st.running.director.manager(1) as ChannelManager;
  });
  afterAll(async () => {
    await st?.stop();
    tmp.cleanup();
  });

  it('airs the error slate for each broken slot, names each file, and the next event airs on time', async () => {
    const assetPath = (id: number | null): string => (id === null ? '' : (st.running.station.library.getAsset(id)?.path ?? ''));
    // Tune in as the last good clip starts and watch through the next full loop.
    const now = await pollUntil('the last good clip\'s slot', () => {
      const n = manager.nowPlaying();
      return n && assetPath(n.assetId).endsWith('05-good.mp4') && n.offsetMs < 500 ? n : null;
    }, 30_000, 20);
    const untilMs = Date.parse(now.end) + 5 * CLIP_S * 1000 + 1000;
    const viewer = new LiveViewer(`${st.base}/iptv/channel/1.ts`);
    expect(await viewer.headers).toBe(200);
    const late0 = manager.outputStats()?.lateFrames ?? 0;
    const t0 = monoMs();
    await pollUntil('a full loop on screen', () => st.running.station.clock.nowMs() > untilMs, 40_000, 100);
    const gap = viewer.maxGapMs(t0 + 1000, monoMs());
    const endedWhileWatched = viewer.endedAt;
    // Frames the output had to hold because a decoder was late (a busy machine): each one
    // lengthens the run before it and shortens the one after, and is counted, never hidden.
    const late = (manager.outputStats()?.lateFrames ?? 0) - late0;
    viewer.close();

    const body = viewer.body();
    const [nums, tint] = await Promise.all([readFrameNumbers(body), blueTint(body)]);
    const pictures: Picture[] = nums.map((n, i) => (n !== null ? n : (tint[i] ?? 0) > 15 ? 'slate' : 'black'));
    const r = runs(pictures);
    // The loop after the first good clip: good, three broken slots, good.
    const i = r.findIndex((x, k) => x.what === 'clip0' && r[k + 1]?.what === 'slate' && r[k + 2]?.what === 'clip4');
    const [good, slate, next] = [r[i], r[i + 1], r[i + 2]];
    const black = pictures.filter((p) => p === 'black').length;
    const named = BROKEN.map((name) => st.log.some((l) => l.includes(built.files[name]!) && /error slate/.test(l)));
    report(`broken media → error slate for ${slate?.length ?? 0} frames (3 slots = ${3 * SLOT_FRAMES}), ${black} black frames of ${pictures.length}, next event first frame ${String(next?.first)} after ${good?.length ?? 0} + ${slate?.length ?? 0} frames; ${late} frames held late; longest byte gap ${Math.round(gap)} ms`);
    report(`broken media → station log names ${named.filter(Boolean).length} of 3 files (${st.log.filter((l) => /error slate/.test(l)).length} error-slate lines)`);
    expect(endedWhileWatched).toBe(0);
    expect(gap, 'bytes keep flowing').toBeLessThan(1500);
    expect(i, `runs: ${r.map((x) => `${x.what}×${x.length}`).join(' ')}`).toBeGreaterThanOrEqual(0);
    expect(Math.abs(good!.length - SLOT_FRAMES)).toBeLessThanOrEqual(2 + late);
    expect(Math.abs(slate!.length - 3 * SLOT_FRAMES), 'the slate fills the three slots').toBeLessThanOrEqual(3 + late);
    // On time: the next event starts on its first frame, right after the broken slots (or,
    // when its decoder was late, on the frame its time says, never later).
    expect(next!.first).toBeGreaterThanOrEqual(400);
    expect(next!.first).toBeLessThanOrEqual(401 + late);
    expect(Math.abs(good!.length + slate!.length - 4 * SLOT_FRAMES), 'the next event starts on time').toBeLessThanOrEqual(3 + late);
    expect(Math.abs(next!.length - SLOT_FRAMES)).toBeLessThanOrEqual(2 + late);
    expect(black, 'no black instead of the slate').toBeLessThanOrEqual(5);
    expect(named).toEqual([true, true, true]);
  });
});
