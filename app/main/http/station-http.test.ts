import { spawnSync } from 'node:child_process';
/**
 * Issue-level test of going on air: a real station (SQLite, ffmpeg, HTTP) with a looping
 * channel of frame-numbered clips. Viewers tune in over HTTP; the frames they see are read
 * back from the MPEG-TS they receive.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { ffprobeJson, makeFrameNumberedClip, readFrameNumbers } from '../media/test-media.ts';
import { DEFAULT_PROFILE } from '../runtime/producer/output-profile.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { processAlive, watchStream } from '../test-support/watch-stream.ts';

const FPS = 30;
const CLIP_S = 6;
const B_OFFSET = 1000;
const clock = new SystemClock();


async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}


describe('a channel on the air over HTTP', () => {
  const tmp = makeTempDir();
  let running: RunningStation;
  let epochMs = 0;
  let base = '';

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media', 'loop');
    mkdirSync(media, { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: CLIP_S, width: 320, height: 180 });
    await makeFrameNumberedClip(path.join(media, 'b.mp4'), { seconds: CLIP_S, width: 320, height: 180, numberOffset: B_OFFSET, toneHz: 660 });
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('test', path.join(tmp.dir, 'media'));
    await st.scanner.scan('test');
    epochMs = clock.nowMs() - 60_000;
    st.channels.addLoop({ number: 1, name: 'Frames', collection: 'loop', startMs: epochMs, timezone: 'UTC' });
    st.channels.addLoop({ number: 2, name: 'Off', collection: 'loop', startMs: epochMs, timezone: 'UTC' });
    st.channels.setEnabled(2, false);
    st.close();
    running = await startHeadlessStation({
      dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null,
      profile: { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 600 },
    });
    base = running.url;
  });
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  /** The frame number the timeline says is on at `t` (loop of A then B, each CLIP_S long). */
  function expectedFrame(t: number, durations: number[]): number {
    const cycle = durations[0]! + durations[1]!;
    const pos = (((t - epochMs) % cycle) + cycle) % cycle;
    return pos < durations[0]! ? Math.floor((pos * FPS) / 1000) : B_OFFSET + Math.floor(((pos - durations[0]!) * FPS) / 1000);
  }

  it('a viewer tuning in sees the frame the timeline says is on, and boundaries are crossed without a gap', async () => {
    const durations = running.station.library.listAssets({ state: 'ready' }).sort((a, b) => a.relPath.localeCompare(b.relPath)).map((a) => a.durationMs!);
    const r = await watchStream(`${base}/iptv/channel/1.ts`, 7000);
    expect(r.status).toBe(200);
    const frames = await readFrameNumbers(r.body);
    const numbered = frames.filter((f): f is number => f !== null);
    expect(numbered.length).toBeGreaterThan(150);
    const first = frames[0];
    expect(first, 'the very first frame carries a number').not.toBeNull();
    // What is on when the picture appears at the viewer is what it must show.
    const want = expectedFrame(r.firstByteAt, durations);
    // Compare as positions in the loop, so a tune-in right at a clip boundary is judged fairly.
    const cycle = durations[0]! + durations[1]!;
    const posOf = (f: number): number => (f >= B_OFFSET ? durations[0]! + ((f - B_OFFSET) * 1000) / FPS : (f * 1000) / FPS);
    const diff = Math.abs(posOf(first as number) - posOf(want));
    const offsetErrorMs = Math.min(diff, cycle - diff);
    console.log(`tune-in: first frame ${first}, timeline says ${want}: ${Math.round(offsetErrorMs)} ms apart`);
    expect(offsetErrorMs, `first frame ${first}, timeline says ${want}`).toBeLessThanOrEqual(500);

    // Seven seconds of a 12-second loop cross at least one boundary: each frame follows the last.
    const lastA = Math.round((durations[0]! * FPS) / 1000) - 1;
    const lastB = B_OFFSET + Math.round((durations[1]! * FPS) / 1000) - 1;
    let anomalies = 0;
    let crossings = 0;
    for (let i = 1; i < numbered.length; i++) {
      const [p, n] = [numbered[i - 1]!, numbered[i]!];
      if (n === p + 1 || (n === p && i === 1)) continue;
      // At a boundary the next clip starts on its first frame, give or take one.
      if ((p >= lastA - 1 && p <= lastA && n >= B_OFFSET && n <= B_OFFSET + 1) || (p >= lastB - 1 && p <= lastB && n >= 0 && n <= 1)) crossings++;
      else if (n === p && (p === B_OFFSET + 1 || p === 1)) continue;
      else anomalies++;
    }
    expect(crossings).toBeGreaterThanOrEqual(1);
    expect(anomalies).toBeLessThanOrEqual(1);
  });

  it('is valid MPEG-TS with one H.264 and one AAC stream', async () => {
    const r = await watchStream(`${base}/iptv/channel/1.ts`, 2500);
    const file = path.join(tmp.dir, 'capture.ts');
    writeFileSync(file, r.body);
    const probe = (await ffprobeJson(file, ['-show_streams', '-show_format'])) as { streams: { codec_name: string; width?: number; sample_rate?: string; channels?: number }[]; format: { format_name: string } };
    expect(probe.format.format_name).toBe('mpegts');
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(probe.streams.find((s) => s.codec_name === 'h264')?.width).toBe(320);
    expect(probe.streams.find((s) => s.codec_name === 'aac')).toMatchObject({ sample_rate: '48000', channels: 2 });
  });

  it('several viewers share one producer; the last one leaving stops every ffmpeg process', async () => {
    const manager = running.director.manager(1)!;
    const viewers = [0, 1, 2, 3].map(() => watchStream(`${base}/iptv/channel/1.ts`, 3000));
    await clock.sleep(1800);
    const rt = manager.runtimeStatus();
    expect(rt.viewerCount).toBe(4);
    expect(rt.producerStatus).toMatch(/running|degraded/);
    expect(rt.pids.length).toBeGreaterThanOrEqual(1);
    expect(rt.pids.length).toBeLessThanOrEqual(3);
    const pids = [...rt.pids];
    const results = await Promise.all(viewers);
    for (const r of results) expect(r.body.length).toBeGreaterThan(10_000);
    // Linger is 0: once the last viewer hangs up, nothing of the channel keeps running.
    for (let i = 0; i < 50 && (manager.runtimeStatus().producerStatus !== 'stopped' || pids.some(processAlive)); i++) await clock.sleep(100);
    expect(manager.runtimeStatus()).toMatchObject({ viewerCount: 0, producerStatus: 'stopped', pids: [] });
    expect(pids.filter(processAlive)).toEqual([]);
  });

  it('answers bad requests clearly', async () => {
    const unknown = await getJson(`${base}/iptv/channel/42.ts`);
    expect(unknown).toMatchObject({ status: 404, body: { error: 'There is no channel 42.' } });
    const disabled = await getJson(`${base}/iptv/channel/2.ts`);
    expect(disabled).toMatchObject({ status: 403, body: { error: 'Channel 2 is disabled.' } });
    const badName = await getJson(`${base}/iptv/channel/abc.ts`);
    expect(badName.status).toBe(404);
    expect(String(badName.body.error)).toMatch(/channel number/);
    const badQuery = await getJson(`${base}/api/channels/1/now?at=noon`);
    expect(badQuery.status).toBe(400);
    expect(String(badQuery.body.error)).toMatch(/query 'at'/);
    const now = await getJson(`${base}/api/channels/1/now?at=${encodeURIComponent(new Date(epochMs + 7000).toISOString())}`);
    expect(now.body).toMatchObject({ channel: 1, kind: 'program' });
    expect(Number(now.body.offsetMs)).toBeGreaterThanOrEqual(900);
  });

  it('HEAD on a stream answers headers only and puts nothing on the air', async () => {
    const head = await fetch(`${base}/iptv/channel/1.ts`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('video/mp2t');
    expect((await fetch(`${base}/iptv/channel/42.ts`, { method: 'HEAD' })).status).toBe(404);
    await clock.sleep(300);
    expect(running.director.pids()).toEqual([]);
    expect(running.director.manager(1)!.runtimeStatus().producerStatus).toBe('stopped');
  });

  it('lists enabled channels in the M3U with absolute URLs for the host used', async () => {
    const text = await (await fetch(`${base}/iptv/channels.m3u`)).text();
    expect(text.startsWith('#EXTM3U')).toBe(true);
    expect(text).toContain('tvg-chno="1"');
    expect(text).toContain(`${base}/iptv/channel/1.ts`);
    expect(text).not.toContain('channel/2.ts');
    const list = (await (await fetch(`${base}/api/channels`)).json()) as { number: number; nowPlaying: unknown }[];
    expect(list.map((c) => c.number)).toEqual([1, 2]);
    expect(list[0]?.nowPlaying).toMatchObject({ kind: 'program' });
  });

  it('serves an XMLTV guide that validates, and refuses a bad range', async () => {
    const res = await fetch(`${base}/iptv/xmltv.xml?days=1`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<channel id="1.retrovue">');
    expect(xml).not.toContain('<channel id="2.retrovue">');
    expect((xml.match(/<programme /g) ?? []).length).toBeGreaterThan(100);
    const file = path.join(tmp.dir, 'guide.xml');
    writeFileSync(file, xml);
    const validator = ['/usr/bin/tv_validate_file', '/usr/local/bin/tv_validate_file'].find((p) => existsSync(p));
    if (validator) {
      // The validator fetches its DTD online unless pointed at the copy the package ships.
      const r = spawnSync(validator, [file], { encoding: 'utf8', env: { ...process.env, XMLTV_SUPPLEMENT: '/usr/share/xmltv' } });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }
    const bad = await getJson(`${base}/iptv/xmltv.xml?days=99`);
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toMatch(/query 'days': must be 14 or fewer/);
  });
});
