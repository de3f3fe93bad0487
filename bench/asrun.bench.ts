/**
 * What the as-run log costs a viewer: cold tune-in to the first decodable frame and the
 * engine's late-frame count, with the logger on and off, in one run (same media, same machine).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { startHeadlessStation } from '../app/main/headless.ts';
import { makeFrameNumberedClip } from '../app/main/media/test-media.ts';
import { DEFAULT_PROFILE } from '../app/main/runtime/producer/output-profile.ts';
import { openStation } from '../app/main/station.ts';
import { makeTempDir } from '../app/main/test-support/temp-dir.ts';
import { tune } from './tune-in.bench.ts';

const clock = new SystemClock();
const TRIES = 6;

export async function run(): Promise<void> {
  const tmp = makeTempDir('retrovue-bench-asrun-');
  try {
    const media = path.join(tmp.dir, 'media', 'bench');
    mkdirSync(media, { recursive: true });
    // Short clips: many segment boundaries, so the logger has work on every try.
    for (const [i, s] of [2, 3, 2, 4].entries()) await makeFrameNumberedClip(path.join(media, `c${i}.mp4`), { seconds: s, width: 320, height: 180, numberOffset: i * 1000 });
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('bench', path.join(tmp.dir, 'media'));
    await st.scanner.scan('bench');
    st.channels.addLoop({ number: 1, name: 'Bench', collection: 'bench', startMs: clock.nowMs() - 10_000, timezone: 'UTC' });
    st.close();
    const results: Record<string, { colds: number[]; late: number; padded: number; frames: number; rows: number }> = {};
    // Interleaved, so drift in the machine's load affects both alike.
    for (const round of [0, 1]) {
      for (const asRun of round === 0 ? [true, false] : [false, true]) {
        const running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, ssdp: false, asRun, profile: { ...DEFAULT_PROFILE, width: 640, height: 360, videoBitrateKbps: 1200 } });
        const key = asRun ? 'on' : 'off';
        const r = (results[key] ??= { colds: [], late: 0, padded: 0, frames: 0, rows: 0 });
        const rowsBefore = (running.station.database.sqlite.prepare('SELECT count(*) AS n FROM as_run').get() as { n: number }).n;
        for (let i = 0; i < TRIES / 2; i++) {
          r.colds.push((await tune(`${running.url}/iptv/channel/1.ts`, 5000)).firstFrameMs);
          await clock.sleep(600);
        }
        const t = running.monitor.totals(1)!;
        r.late += t.framesLate;
        r.padded += t.framesPadded;
        r.frames += t.framesProduced;
        running.asRun.flush();
        r.rows += (running.station.database.sqlite.prepare('SELECT count(*) AS n FROM as_run').get() as { n: number }).n - rowsBefore;
        await running.stop();
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    for (const key of ['on', 'off']) {
      const r = results[key]!;
      console.log(`asrun.${key}.cold_first_frame_ms: median ${med(r.colds).toFixed(0)} (runs ${r.colds.map((x) => x.toFixed(0)).join(', ')})`);
      console.log(`asrun.${key}.late_frames: ${r.late} of ${r.frames} (padded ${r.padded}); as-run rows written: ${r.rows}`);
    }
  } finally {
    tmp.cleanup();
  }
}
