/**
 * Fault: one viewer that never reads its socket and one that reads at 10 kB/s, next to a
 * healthy viewer. The healthy one gets the whole stream, the encoder keeps real time,
 * and the station lets go of the other two once their backlog is too old.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelManager } from '../runtime/channel-manager.ts';
import { buildLoopStation, FAULT_FPS, FAULT_PROFILE, startFaultStation, type FaultStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { LiveViewer } from '../test-support/live-viewer.ts';
import { monoMs, pollUntil, sleep } from '../test-support/poll.ts';
import { rawViewer, type RawViewer } from '../test-support/raw-viewer.ts';
import { tcpState } from '../test-support/tcp-state.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const BITRATE_KBPS = 2000;

describe('stalled and slow viewers', () => {
  const tmp = makeTempDir('retrovue-fault-viewers-');
  let st: FaultStation;
  let manager: ChannelManager;
  const raw: RawViewer[] = [];

  beforeAll(async () => {
    const built = await buildLoopStation(tmp.dir, [{ name: 'noise.mp4', seconds: 10, noise: true }]);
    st = await startFaultStation(built.data, { lingerMs: 0, profile: { ...FAULT_PROFILE, videoBitrateKbps: BITRATE_KBPS } });
    manager = st.running.director.manager(1) as ChannelManager;
  });
  afterAll(async () => {
    for (const r of raw) r.close();
    await st?.stop();
    tmp.cleanup();
  });

  it('the healthy viewer gets the full stream, the encoder never blocks, the stalled ones are dropped', async () => {
    const url = `${st.base}/iptv/channel/1.ts`;
    const serverPort = Number(new URL(st.base).port);
    const healthy = new LiveViewer(url);
    expect(await healthy.headers).toBe(200);
    await pollUntil('the stream flowing', () => healthy.bytes > 100_000);
    const stalled = await rawViewer(url, 0);
    const slow = await rawViewer(url, 10_000);
    raw.push(stalled, slow);
    await pollUntil('three viewers', () => manager.runtimeStatus().viewerCount === 3, 20_000);

    const t0 = monoMs();
    const s0 = manager.outputStats()!;
    const dropped: { stalled?: number; slow?: number } = {};
    let maxLag = 0;
    // Until the station has let go of both (their server-side socket leaves ESTABLISHED).
    await pollUntil('the stalled and the slow viewer to be dropped', () => {
      maxLag = Math.max(maxLag, manager.outputStats()!.lagMs);
      if (!dropped.stalled && tcpState(serverPort, stalled.localPort()) !== 'ESTABLISHED') dropped.stalled = monoMs() - t0;
      if (!dropped.slow && tcpState(serverPort, slow.localPort()) !== 'ESTABLISHED') dropped.slow = monoMs() - t0;
      return dropped.stalled !== undefined && dropped.slow !== undefined;
    }, 150_000, 100);
    // A little more with the healthy viewer alone, then compare over the whole window.
    await sleep(1000);
    const t1 = monoMs();
    const s1 = manager.outputStats()!;
    const seconds = (t1 - t0) / 1000;
    const healthyRate = healthy.bytesBetween(t0, t1) / seconds;
    const outputRate = (s1.outputBytes - s0.outputBytes) / seconds;
    const fps = (s1.framesWritten - s0.framesWritten) / seconds;
    const gap = healthy.maxGapMs(t0, t1);
    const viewersLeft = manager.runtimeStatus().viewerCount;
    const healthyEnded = healthy.endedAt;
    healthy.close();

    report(`stalled viewer (never reads) dropped after ${Math.round(dropped.stalled! / 1000)} s; slow viewer (${Math.round(slow.received() / 1000)} kB read at 10 kB/s) dropped after ${Math.round(dropped.slow! / 1000)} s`);
    report(`healthy viewer meanwhile: ${Math.round(healthyRate / 1000)} kB/s of ${Math.round(outputRate / 1000)} kB/s out of the encoder (${Math.round((100 * healthyRate) / outputRate)} %), longest gap ${Math.round(gap)} ms`);
    report(`encoder meanwhile: ${fps.toFixed(1)} fps written (real time ${FAULT_FPS}), ${s1.droppedOutputBytes - s0.droppedOutputBytes} output bytes dropped, worst lag ${Math.round(maxLag)} ms`);
    expect(healthyEnded).toBe(0);
    expect(healthyRate).toBeGreaterThan(0.9 * outputRate);
    // Noise at 320x180 fills the bitrate: the stream really was big enough to back up.
    expect(outputRate).toBeGreaterThan((0.5 * BITRATE_KBPS * 1000) / 8);
    expect(gap).toBeLessThan(2000);
    expect(fps).toBeGreaterThan(FAULT_FPS * 0.95);
    expect(s1.droppedOutputBytes - s0.droppedOutputBytes).toBe(0);
    expect(maxLag).toBeLessThan(1500);
    expect(viewersLeft).toBe(1);
  });
});
