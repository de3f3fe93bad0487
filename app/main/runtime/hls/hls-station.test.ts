/**
 * HLS from a real station: the first playlist request puts the channel on the air and is
 * answered once the first segment exists; the playlist parses (m3u8-parser) with program
 * date-times from the station clock; ffmpeg plays the .m3u8 across segment boundaries and
 * a programme boundary with every frame in order; with no requests the session ends and
 * the channel goes off the air. No ffmpeg is started for HLS itself.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Parser } from 'm3u8-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../../headless.ts';
import { makeFrameNumberedClip, readFrameNumbers, runBinary } from '../../media/test-media.ts';
import { resolveFfmpegBinaries } from '../../media/ffmpeg-binaries.ts';
import { DEFAULT_PROFILE } from '../producer/output-profile.ts';
import { openStation } from '../../station.ts';
import { makeTempDir } from '../../test-support/temp-dir.ts';

const clock = new SystemClock();
const B_OFFSET = 1000;

function parse(text: string) {
  const p = new Parser();
  p.push(text);
  p.end();
  return p.manifest;
}

describe('HLS from the channel encoder', () => {
  const tmp = makeTempDir('retrovue-hls-');
  let running: RunningStation;
  let epochMs = 0;

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media', 'loop');
    mkdirSync(media, { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 5, width: 320, height: 180 });
    await makeFrameNumberedClip(path.join(media, 'b.mp4'), { seconds: 5, width: 320, height: 180, numberOffset: B_OFFSET });
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('test', path.join(tmp.dir, 'media'));
    await st.scanner.scan('test');
    // Tune in 2 s into clip a: the programme boundary (a → b) is 3 s in.
    epochMs = clock.nowMs() - 2000;
    st.channels.addLoop({ number: 1, name: 'Frames', collection: 'loop', startMs: epochMs, timezone: 'UTC' });
    st.channels.addLoop({ number: 2, name: 'Other', collection: 'loop', startMs: epochMs, timezone: 'UTC' });
    st.close();
    running = await startHeadlessStation({
      dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, ssdp: false, tuners: 1,
      profile: { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 400 },
    });
  });
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  it('serves a live playlist from a cold start, plays in ffmpeg across segments and a programme boundary, and ends with its last request', async () => {
    const url = `${running.url}/iptv/channel/1.m3u8`;
    const t0 = clock.monotonicMs();
    const res = await fetch(url);
    const coldMs = clock.monotonicMs() - t0;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const first = parse(await res.text());
    expect(first.segments.length).toBeGreaterThanOrEqual(1);
    expect(first.targetDuration).toBe(1);
    const seg0 = first.segments[0]!;
    expect(seg0.uri).toMatch(/^\/iptv\/hls\/1\/\d+\.ts$/);
    // Program date-time: station time of the segment's first frame.
    const pdt = Date.parse(seg0.dateTimeString!);
    expect(Math.abs(pdt - clock.nowMs())).toBeLessThan(5000);
    expect(running.director.pids().length).toBeLessThanOrEqual(3);
    // The HLS session holds the station's one tuner: another channel cannot be tuned, by TS or HLS.
    expect((await fetch(`${running.url}/iptv/channel/2.ts`)).status).toBe(503);
    expect((await fetch(`${running.url}/iptv/channel/2.m3u8`)).status).toBe(503);
    // …to the frame: the segment's first picture is the one the timeline puts at that date.
    const seg0Bytes = Buffer.from(await (await fetch(`${running.url}${seg0.uri}`)).arrayBuffer());
    const firstFrame = (await readFrameNumbers(seg0Bytes)).find((f) => f !== null)!;
    const expected = Math.floor(((pdt - epochMs) % 10_000) * 30 / 1000);
    console.log(`hls: segment 0 dated ${seg0.dateTimeString}, first frame ${firstFrame}, timeline says ${expected}`);
    expect(Math.abs((firstFrame % B_OFFSET) - (expected % 150))).toBeLessThanOrEqual(1);

    const ff = resolveFfmpegBinaries();
    const out = path.join(tmp.dir, 'hls.ts');
    const r = await runBinary(ff.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-live_start_index', '0', '-i', url, '-t', '7', '-c', 'copy', '-y', out]);
    expect(r.code, r.stderr).toBe(0);
    const frames = (await readFrameNumbers(out)).filter((f): f is number => f !== null);
    // Clips a (0…) and b (1000…) alternate every 5 s: a boundary is where the clip changes.
    const clipOf = (f: number) => (f >= B_OFFSET ? 'b' : 'a');
    const boundaries = frames.map((f, i) => (i > 0 && clipOf(f) !== clipOf(frames[i - 1]!) ? i : -1)).filter((i) => i > 0);
    console.log(`hls: cold playlist ${coldMs.toFixed(0)} ms; ffmpeg read ${frames.length} frames, programme boundaries at frames ${boundaries.join(', ')}`);
    expect(frames.length).toBeGreaterThan(150);
    expect(boundaries.length).toBeGreaterThanOrEqual(1);
    // In order within each clip: every step is the next frame, except where the engine held a
    // picture over a late source (a repeat, then a skip).
    let holds = 0;
    for (let i = 1; i < frames.length; i++) {
      if (boundaries.includes(i)) continue;
      const step = frames[i]! - frames[i - 1]!;
      expect(step, `frame ${i}: ${frames[i - 1]} → ${frames[i]}`).toBeGreaterThanOrEqual(0);
      expect(step, `frame ${i}: ${frames[i - 1]} → ${frames[i]}`).toBeLessThanOrEqual(2);
      if (step !== 1) holds++;
    }
    // No segment boundary loses or repeats frames: only the odd held picture.
    expect(holds).toBeLessThanOrEqual(4);
    const later = parse(await (await fetch(url)).text());
    expect(later.mediaSequence! + later.segments.length).toBeGreaterThan(first.mediaSequence! + first.segments.length);
    expect(later.segments.every((s) => !s.discontinuity)).toBe(true);
    const segRes = await fetch(`${running.url}${later.segments.at(-1)!.uri}`);
    expect(segRes.status).toBe(200);
    expect(Buffer.from(await segRes.arrayBuffer())[0]).toBe(0x47);
    expect((await fetch(`${running.url}/iptv/hls/1/999999.ts`)).status).toBe(404);

    const m3u = await (await fetch(`${running.url}/iptv/channels.m3u?format=hls`)).text();
    expect(m3u).toContain(`${running.url}/iptv/channel/1.m3u8`);

    // No requests for the grace period: the session ends, the channel goes off the air.
    const deadline = clock.monotonicMs() + 30_000;
    while (running.director.pids().length > 0 && clock.monotonicMs() < deadline) await clock.sleep(250);
    expect(running.director.pids()).toEqual([]);
  }, 90_000);
});
