/**
 * Fault: kill -9 of the processes behind a channel on air, while a viewer watches over HTTP.
 * A dead decoder is restarted where the timeline is (the picture freezes briefly, then
 * jumps to where it should be); a dead encoder is restarted on the same HTTP response,
 * its timestamps running on from the channel's clock.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobeJson, readFrameNumbers } from '../media/test-media.ts';
import type { ChannelManager } from '../runtime/channel-manager.ts';
import { buildLoopStation, FAULT_FPS, startFaultStation, type FaultStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { LiveViewer } from '../test-support/live-viewer.ts';
import { onAirDecoderPid } from '../test-support/on-air-processes.ts';
import { monoMs, pollUntil, sleep } from '../test-support/poll.ts';
import { processAlive } from '../test-support/watch-stream.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const CLIP_S = 12;
const B_OFFSET = 1000;

/** The longest run of one repeated frame number (a frozen picture), and where it ends. */
function longestFreeze(nums: (number | null)[]): { frames: number; endIndex: number } {
  let best = { frames: 0, endIndex: -1 };
  let run = 1;
  for (let i = 1; i < nums.length; i++) {
    run = nums[i] !== null && nums[i] === nums[i - 1] ? run + 1 : 1;
    if (run > best.frames) best = { frames: run, endIndex: i };
  }
  return best;
}

describe('kill -9 on air', () => {
  const tmp = makeTempDir('retrovue-fault-kill-');
  let st: FaultStation;
  let manager: ChannelManager;

  beforeAll(async () => {
    const built = await buildLoopStation(tmp.dir, [
      { name: 'a.mp4', seconds: CLIP_S },
      { name: 'b.mp4', seconds: CLIP_S, numberOffset: B_OFFSET },
    ]);
    st = await startFaultStation(built.data, { lingerMs: 0 });
    manager = st.running.director.manager(1) as ChannelManager;
  });
  afterAll(async () => {
    await st?.stop();
    tmp.cleanup();
  });

  /** Wait until the segment on air has at least `ms` left, so a kill lands mid-segment. */
  async function midSegment(ms: number): Promise<void> {
    await pollUntil('a segment with time left', () => {
      const now = manager.nowPlaying();
      return now && Date.parse(now.end) - Date.parse(now.start) - now.offsetMs > ms && now.offsetMs > 1000;
    }, 30_000);
  }

  it('a killed decoder is restarted at the current position within two seconds', async () => {
    const viewer = new LiveViewer(`${st.base}/iptv/channel/1.ts`);
    expect(await viewer.headers).toBe(200);
    await pollUntil('the stream flowing', () => viewer.bytes > 50_000);
    await midSegment(6000);
    const pid = await pollUntil('the on-air decoder', () => onAirDecoderPid(st.running, 1));
    const before = manager.outputStats()!.decoderRestarts;
    const killedAt = monoMs();
    process.kill(pid, 'SIGKILL');
    const fresh = await pollUntil('a new decoder for the same file', () => {
      const p = onAirDecoderPid(st.running, 1);
      return p !== undefined && p !== pid ? p : undefined;
    }, 10_000, 10);
    const respawnMs = monoMs() - killedAt;
    await pollUntil('the restart counted', () => manager.outputStats()!.decoderRestarts > before, 5000);
    await sleep(2500);
    const freshAlive = processAlive(fresh);
    const restarts = manager.outputStats()!.decoderRestarts - before;
    const endedWhileWatched = viewer.endedAt;
    viewer.close();

    const nums = await readFrameNumbers(viewer.body());
    const freeze = longestFreeze(nums);
    const frozenMs = Math.round((freeze.frames * 1000) / FAULT_FPS);
    const after = nums[freeze.endIndex + 1];
    const frozenAt = nums[freeze.endIndex];
    report(`decoder kill -9 → new decoder in ${Math.round(respawnMs)} ms, picture frozen ${frozenMs} ms (${freeze.frames} frames), ${restarts} restart`);
    expect(processAlive(pid)).toBe(false);
    expect(freshAlive).toBe(true);
    expect(restarts).toBe(1);
    expect(frozenMs, 'the picture is back within two seconds').toBeLessThanOrEqual(2000);
    // After the freeze the picture is where the timeline is: it jumps by the frozen time.
    expect(frozenAt).not.toBeNull();
    expect(after).not.toBeNull();
    expect(Math.abs(after! - frozenAt! - freeze.frames)).toBeLessThanOrEqual(3);
    expect(endedWhileWatched, 'the viewer stays connected').toBe(0);
    expect(st.log.some((l) => /decoder of .* died; restarted at the current position/.test(l)), 'the station log says so').toBe(true);
  });

  it('a killed encoder is restarted on the same HTTP response with timestamps running on', async () => {
    const viewer = new LiveViewer(`${st.base}/iptv/channel/1.ts`);
    expect(await viewer.headers).toBe(200);
    await pollUntil('the stream flowing', () => viewer.bytes > 50_000);
    await midSegment(5000);
    const encoder = manager.runtimeStatus().encoderPid!;
    const before = manager.outputStats()!.encoderRestarts;
    const killedAt = monoMs();
    process.kill(encoder, 'SIGKILL');
    const fresh = await pollUntil('a new encoder', () => {
      const p = manager.runtimeStatus().encoderPid;
      return p !== null && p !== encoder && processAlive(p) ? p : undefined;
    }, 10_000, 10);
    const spawnedAt = monoMs();
    const backAt = await pollUntil('bytes from the new encoder', () => viewer.firstChunkAfter(spawnedAt), 10_000, 10);
    await sleep(2500);
    const freshAlive = processAlive(fresh);
    const restarts = manager.outputStats()!.encoderRestarts - before;
    const endedWhileWatched = viewer.endedAt;
    viewer.close();

    const recoveryMs = Math.round(backAt - killedAt);
    const capture = path.join(tmp.dir, 'encoder-kill.ts');
    writeFileSync(capture, viewer.body());
    const probe = (await ffprobeJson(capture, ['-select_streams', 'v:0', '-show_entries', 'packet=pts'])) as { packets: { pts?: number }[] };
    const pts = probe.packets.map((p) => p.pts).filter((p): p is number => typeof p === 'number');
    let backwards = 0;
    let maxJump = 0;
    for (let i = 1; i < pts.length; i++) {
      const d = pts[i]! - pts[i - 1]!;
      if (d < -90_000 / 10) backwards++; // B-frame reordering moves a few frames back, never seconds
      maxJump = Math.max(maxJump, d);
    }
    const jumpMs = Math.round(maxJump / 90);
    report(`encoder kill -9 → bytes again in ${recoveryMs} ms on the same response (${viewer.responses} response), PTS jump ${jumpMs} ms, ${backwards} PTS steps back, ${restarts} restart`);
    expect(freshAlive).toBe(true);
    expect(restarts).toBe(1);
    expect(viewer.responses).toBe(1);
    expect(endedWhileWatched, 'the same response carries on').toBe(0);
    expect(viewer.bytesBetween(backAt, backAt + 2000)).toBeGreaterThan(10_000);
    expect(recoveryMs).toBeLessThan(5000);
    expect(backwards, 'timestamps never restart from zero').toBe(0);
    // The gap in timestamps is the wall-clock time the encoder was away, no more.
    expect(jumpMs).toBeLessThan(recoveryMs + 1500);
    expect(st.log.some((l) => /encoder died; restarting it/.test(l))).toBe(true);
  });
});
