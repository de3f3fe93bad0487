/**
 * Asking for the whole guide must not stall playout: a loop of 2 s clips lists tens of
 * thousands of guide entries, and the guide is built on the event loop that paces every
 * channel. A viewer watching while the largest guide is asked for (twice) keeps getting
 * bytes, and the guide answers.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { report } from '../test-support/fault-report.ts';
import { buildLoopStation, startFaultStation, type FaultStation } from '../test-support/fault-station.ts';
import { LiveViewer } from '../test-support/live-viewer.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const clock = new SystemClock();

describe('the guide asked for on a loop of short clips', () => {
  const tmp = makeTempDir('retrovue-guide-flood-');
  let station: FaultStation;
  beforeAll(async () => {
    const loop = await buildLoopStation(path.join(tmp.dir, 'station'), [{ name: 'a.mp4', seconds: 2 }, { name: 'b.mp4', seconds: 2, numberOffset: 1000 }]);
    station = await startFaultStation(loop.data);
  });
  afterAll(async () => {
    await station?.stop();
    tmp.cleanup();
  });

  it('keeps the stream flowing while the largest guide is built and served', async () => {
    const viewer = new LiveViewer(`${station.base}/iptv/channel/1.ts`);
    expect(await viewer.headers).toBe(200);
    await clock.sleep(2000);
    const from = clock.monotonicMs();
    const sizes: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t0 = clock.monotonicMs();
      const res = await fetch(`${station.base}/iptv/xmltv.xml?days=14`);
      expect(res.status).toBe(200);
      const text = await res.text();
      sizes.push(text.length);
      report(`guide flood: xmltv ?days=14 #${i + 1}: ${(text.length / 1e6).toFixed(1)} MB in ${(clock.monotonicMs() - t0).toFixed(0)} ms`);
    }
    await clock.sleep(1000);
    const gap = viewer.maxGapMs(from, clock.monotonicMs());
    viewer.close();
    report(`guide flood: longest gap in the stream while the guide was served: ${gap.toFixed(0)} ms`);
    expect(gap).toBeLessThan(1500);
    expect(sizes[0]).toBeGreaterThan(1000);
  }, 90_000);
});
