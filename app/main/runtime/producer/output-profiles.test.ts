/**
 * Per-channel output profiles from the station file, on a real station: a 720p channel, a
 * 480p 29.97 fps channel and one on the station's default each air at their format
 * (ffprobe on what viewers receive), and the start-up self-test measures each profile.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadlessStation, type RunningStation } from '../../headless.ts';
import { ffprobeJson, makeFrameNumberedClip } from '../../media/test-media.ts';
import { importStation } from '../../schedule/station-file.ts';
import { openStation } from '../../station.ts';
import { makeTempDir } from '../../test-support/temp-dir.ts';
import { watchStream } from '../../test-support/watch-stream.ts';
import { DEFAULT_PROFILE } from './output-profile.ts';

const STATION = `
output: { resolution: 360p, videoBitrateKbps: 500 }
channels:
  - { number: 1, name: HD, timezone: UTC, loop: { collection: loop }, output: { resolution: 720p, videoBitrateKbps: 1200, preset: superfast } }
  - { number: 2, name: NTSC, timezone: UTC, loop: { collection: loop }, output: { resolution: 480p, fps: 29.97 } }
  - { number: 3, name: Default, timezone: UTC, loop: { collection: loop } }
`;

interface Probe { streams: { codec_type: string; width?: number; height?: number; r_frame_rate?: string; channels?: number }[] }

describe('per-channel output profiles', () => {
  const tmp = makeTempDir('retrovue-profiles-');
  let running: RunningStation;

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media', 'loop');
    mkdirSync(media, { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 6, width: 320, height: 180 });
    const data = path.join(tmp.dir, 'data');
    const st = openStation({ dataDir: data });
    st.library.addSource('test', path.join(tmp.dir, 'media'));
    await st.scanner.scan('test');
    importStation(st.db, st.clock, STATION);
    st.close();
    running = await startHeadlessStation({
      dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, ssdp: false, encoderSelfTest: true,
      // The station's built-in default is 1280x720; the file's own default (360p) must win over it.
      profile: DEFAULT_PROFILE,
    });
  });
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  it('each channel airs at its profile, and the self-test measured each one', async () => {
    const selfTest = await running.encoderSelfTest;
    console.log(`self-test: ${selfTest.map((r) => `${r.channels.join('+')}: ${r.profile} ${r.speed?.toFixed(1)}×`).join('; ')}`);
    expect(selfTest.map((r) => r.channels)).toEqual([[1], [2], [3]]);
    expect(selfTest.every((r) => r.speed !== null && r.speed > 0)).toBe(true);

    const want: Record<number, [number, number, string]> = { 1: [1280, 720, '30/1'], 2: [640, 480, '30000/1001'], 3: [640, 360, '30/1'] };
    for (const n of [1, 2, 3]) {
      const r = await watchStream(`${running.url}/iptv/channel/${n}.ts`, 2500);
      expect(r.status).toBe(200);
      const file = path.join(tmp.dir, `ch${n}.ts`);
      writeFileSync(file, r.body);
      const probe = (await ffprobeJson(file, ['-show_streams'])) as Probe;
      const v = probe.streams.find((s) => s.codec_type === 'video')!;
      console.log(`channel ${n}: ${v.width}x${v.height} @ ${v.r_frame_rate}`);
      expect([v.width, v.height, v.r_frame_rate]).toEqual(want[n]);
      expect(probe.streams.find((s) => s.codec_type === 'audio')?.channels).toBe(2);
    }
  }, 120_000);
});
