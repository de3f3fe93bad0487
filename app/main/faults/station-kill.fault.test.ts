/**
 * Fault: kill -9 of the whole station process (`retrovue serve`) while a viewer watches.
 * No ffmpeg outlives it; started again on the same data directory it comes back on air
 * with the schedule unchanged: for the same clock times the same event and offset are on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { buildLoopStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { LiveViewer } from '../test-support/live-viewer.ts';
import { monoMs, pollUntil } from '../test-support/poll.ts';
import { ffmpegUnder } from '../test-support/proc-tree.ts';
import { startServe, type ServeProcess } from '../test-support/serve-process.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { processAlive } from '../test-support/watch-stream.ts';

const clock = new SystemClock();

interface OnAt {
  eventId: string;
  offsetMs: number;
  title: string;
}

async function onAt(base: string, atMs: number): Promise<OnAt> {
  const res = await fetch(`${base}/api/channels/1/now?at=${encodeURIComponent(new Date(atMs).toISOString())}`);
  const b = (await res.json()) as OnAt;
  return { eventId: b.eventId, offsetMs: b.offsetMs, title: b.title };
}

describe('kill -9 of the station', () => {
  const tmp = makeTempDir('retrovue-fault-station-');
  const started: ServeProcess[] = [];
  let data = '';

  beforeAll(async () => {
    ({ data } = await buildLoopStation(tmp.dir, [
      { name: 'a.mp4', seconds: 5 },
      { name: 'b.mp4', seconds: 7, numberOffset: 1000 },
    ]));
  });
  afterAll(async () => {
    for (const s of started) await s.stop();
    tmp.cleanup();
  });

  it('comes back on air on the same data directory with the schedule unchanged', async () => {
    const first = await startServe(data, ['--linger', '0']);
    started.push(first);
    // Times around the kill and well after the restart, fixed before anything happens.
    const t0 = clock.nowMs();
    const probes = [0, 3000, 11_000, 47_000, 3_600_000].map((d) => t0 + d);
    const before = await Promise.all(probes.map((t) => onAt(first.url, t)));

    const viewer = new LiveViewer(`${first.url}/iptv/channel/1.ts`);
    expect(await viewer.headers).toBe(200);
    await pollUntil('the stream flowing', () => viewer.bytes > 50_000, 30_000);
    const ffmpegs = await pollUntil('the channel\'s ffmpeg processes', () => {
      const list = ffmpegUnder(first.child.pid!);
      return list.length >= 2 ? list : null;
    });
    const killedAt = monoMs();
    first.child.kill('SIGKILL');
    await pollUntil('the station and its ffmpeg to be gone', () => !processAlive(first.child.pid!) && ffmpegs.every((p) => !processAlive(p.pid)), 10_000);
    const orphansGoneMs = Math.round(monoMs() - killedAt);
    await pollUntil('the viewer to see the end', () => viewer.endedAt > 0, 10_000);
    viewer.close();

    const second = await startServe(data, ['--linger', '0']);
    started.push(second);
    const upMs = Math.round(monoMs() - killedAt);
    const again = new LiveViewer(`${second.url}/iptv/channel/1.ts`);
    expect(await again.headers).toBe(200);
    const backAt = await pollUntil('bytes from the restarted station', () => again.chunks[0]?.at, 30_000);
    const onAirMs = Math.round(backAt - killedAt);
    await pollUntil('the stream flowing again', () => again.bytes > 50_000, 30_000);
    const after = await Promise.all(probes.map((t) => onAt(second.url, t)));
    again.close();

    report(`station kill -9 → ${ffmpegs.length} ffmpeg gone in ${orphansGoneMs} ms; restarted station listening ${upMs} ms after the kill, bytes to a viewer ${onAirMs} ms after the kill`);
    report(`station kill -9 → schedule after restart: ${after.filter((a, i) => a.eventId === before[i]!.eventId && a.offsetMs === before[i]!.offsetMs).length} of ${probes.length} probe times show the same event and offset`);
    expect(after).toEqual(before);
    expect(onAirMs).toBeLessThan(60_000);
    await second.stop();
    expect(second.child.exitCode).toBe(0);
  });
});
