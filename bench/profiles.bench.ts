/**
 * What a channel costs at each output profile on this machine, and how many 360p channels
 * it keeps in real time at once: CPU of each channel's ffmpeg processes (% of one core) and,
 * for N channels on air together, the frames the engine had to pad or hold because it fell
 * behind. Also HLS vs MPEG-TS tune-in (playlist request → first segment; request → first frame).
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../app/main/headless.ts';
import { makeFrameNumberedClip } from '../app/main/media/test-media.ts';
import { DEFAULT_PROFILE } from '../app/main/runtime/producer/output-profile.ts';
import { importStation } from '../app/main/schedule/station-file.ts';
import { openStation } from '../app/main/station.ts';
import { makeTempDir } from '../app/main/test-support/temp-dir.ts';
import { cpuTicks, tune } from './tune-in.bench.ts';

const clock = new SystemClock();
const MAX_CHANNELS = 8;


/** Hold a viewer on a channel until `stop()`; returns bytes read. */
function hold(url: string): { stop(): number } {
  let bytes = 0;
  const req = http.get(url, (res) => res.on('data', (c: Buffer) => (bytes += c.length)));
  req.on('error', () => {});
  return { stop: () => (req.destroy(), bytes) };
}

async function station(dir: string, channels: string): Promise<RunningStation> {
  const media = path.join(dir, 'media', 'loop');
  mkdirSync(media, { recursive: true });
  // Moving content at the profile's size is what the encoder really pays for: a 640x360 clip scaled up.
  await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 30, width: 640, height: 360 });
  const data = path.join(dir, 'data');
  const st = openStation({ dataDir: data });
  st.library.addSource('bench', path.join(dir, 'media'));
  await st.scanner.scan('bench');
  importStation(st.db, st.clock, channels);
  st.close();
  return startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, ssdp: false, profile: DEFAULT_PROFILE, tuners: 16 });
}

const channelLine = (n: number, output: string) => `  - { number: ${n}, name: C${n}, timezone: UTC, loop: { collection: loop }, output: ${output} }`;

export async function run(): Promise<void> {
  const tmp = makeTempDir('retrovue-bench-profiles-');
  try {
    // CPU per channel at each resolution (one at a time).
    const profiles: [string, string][] = [['360p', '{ resolution: 360p, videoBitrateKbps: 1200 }'], ['720p', '{ resolution: 720p, videoBitrateKbps: 2500 }'], ['1080p', '{ resolution: 1080p, videoBitrateKbps: 4500 }']];
    const s1 = await station(path.join(tmp.dir, 'one'), `channels:\n${profiles.map(([, o], i) => channelLine(i + 1, o)).join('\n')}\n`);
    for (const [label] of profiles) {
      const n = profiles.findIndex(([l]) => l === label) + 1;
      const viewer = hold(`${s1.url}/iptv/channel/${n}.ts`);
      await clock.sleep(2500);
      const m = s1.director.manager(n)!;
      const t0 = clock.monotonicMs();
      const c0 = cpuTicks(m.runtimeStatus().pids);
      await clock.sleep(6000);
      const cpu = ((cpuTicks(m.runtimeStatus().pids) - c0) / 100 / ((clock.monotonicMs() - t0) / 1000)) * 100;
      const t = s1.monitor.totals(n)!;
      viewer.stop();
      console.log(`profiles.cpu_percent_of_one_core.${label}: ${cpu.toFixed(0)} (late ${t.framesLate}, padded ${t.framesPadded} of ${t.framesProduced} frames)`);
      await clock.sleep(800);
    }
    await s1.stop();

    // How many 360p channels at once keep real time.
    const lines = Array.from({ length: MAX_CHANNELS }, (_, i) => channelLine(i + 1, '{ resolution: 360p, videoBitrateKbps: 1200 }'));
    const sN = await station(path.join(tmp.dir, 'many'), `channels:\n${lines.join('\n')}\n`);
    let kept = 0;
    for (let count = 1; count <= MAX_CHANNELS; count++) {
      const viewers = Array.from({ length: count }, (_, i) => hold(`${sN.url}/iptv/channel/${i + 1}.ts`));
      await clock.sleep(3000);
      const before = Array.from({ length: count }, (_, i) => sN.monitor.totals(i + 1)!);
      await clock.sleep(8000);
      const after = Array.from({ length: count }, (_, i) => sN.monitor.totals(i + 1)!);
      const frames = after.reduce((s, a, i) => s + a.framesProduced - before[i]!.framesProduced, 0);
      const late = after.reduce((s, a, i) => s + a.framesLate + a.framesPadded - before[i]!.framesLate - before[i]!.framesPadded, 0);
      const expected = count * 8 * 30;
      const ok = late <= frames * 0.01 && frames >= expected * 0.97;
      console.log(`profiles.realtime.360p.channels_${count}: ${frames} frames of ${expected} expected, ${late} late or padded -> ${ok ? 'real time' : 'falls behind'}`);
      for (const v of viewers) v.stop();
      await clock.sleep(1500);
      if (!ok) break;
      kept = count;
    }
    console.log(`profiles.realtime.360p.max_channels: ${kept}${kept === MAX_CHANNELS ? '+' : ''}`);

    // HLS vs TS tune-in on one 360p channel.
    const hlsCold: number[] = [];
    const tsCold: number[] = [];
    for (let i = 0; i < 3; i++) {
      tsCold.push((await tune(`${sN.url}/iptv/channel/1.ts`, 1500)).firstFrameMs);
      await clock.sleep(800);
      const t0 = clock.monotonicMs();
      const res = await fetch(`${sN.url}/iptv/channel/2.m3u8`);
      await res.text();
      hlsCold.push(clock.monotonicMs() - t0);
      // No more requests: the HLS session lets go after its grace period.
      await clock.sleep(16_500);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    console.log(`profiles.tune_in.ts_cold_first_frame_ms: median ${med(tsCold).toFixed(0)} (runs ${tsCold.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`profiles.tune_in.hls_cold_first_playlist_ms: median ${med(hlsCold).toFixed(0)} (runs ${hlsCold.map((x) => x.toFixed(0)).join(', ')}); hls.js first picture adds ~0.4 s (e2e/hls.test.ts)`);
    await sN.stop();
  } finally {
    tmp.cleanup();
  }
}
