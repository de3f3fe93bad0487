/**
 * On-air figures: cold tune-in (request → first decodable video frame at the client),
 * warm tune-in (channel already on air), offset error of the first frame, ffmpeg
 * processes per on-air channel, and CPU per on-air channel at 720p30.
 */
import { mkdirSync } from 'node:fs';
import { readProc } from '../app/main/monitoring/process-stats.ts';
import http from 'node:http';
import path from 'node:path';
import { SystemClock } from '../app/main/clock/master-clock.ts';
import { startHeadlessStation } from '../app/main/headless.ts';
import { makeFrameNumberedClip, readFrameNumbers } from '../app/main/media/test-media.ts';
import { PAT_PID, TS_PACKET_SIZE, TsPacketAligner, findPmtPid, findVideoStream, isKeyframeStart, packetPid, packetPusi, parsePmt, type VideoCodec } from '../app/main/runtime/fanout/ts-packets.ts';
import { DEFAULT_PROFILE, type OutputProfile } from '../app/main/runtime/producer/output-profile.ts';
import { openStation } from '../app/main/station.ts';
import { makeTempDir } from '../app/main/test-support/temp-dir.ts';

const clock = new SystemClock();
const FPS = 30;

/**
 * Time from request to the first decodable video frame at the client: PAT and PMT known,
 * a keyframe started, and its picture complete (the next video PES begins).
 */
export function tune(url: string, holdMs: number): Promise<{ firstFrameMs: number; body: Buffer; startedAt: number }> {
  return new Promise((resolve, reject) => {
    const startedAt = clock.nowMs();
    const t0 = clock.monotonicMs();
    const chunks: Buffer[] = [];
    const aligner = new TsPacketAligner();
    let pmtPid: number | null = null;
    let video: { pid: number; codec: VideoCodec } | null = null;
    let inKeyframe = false;
    let firstFrameMs = -1;
    const req = http.get(url, (res) => {
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        if (firstFrameMs >= 0) return;
        for (const block of aligner.push(c)) {
          for (let off = 0; off + TS_PACKET_SIZE <= block.length && firstFrameMs < 0; off += TS_PACKET_SIZE) {
            const pid = packetPid(block, off);
            if (pid === PAT_PID) pmtPid ??= findPmtPid(block, off);
            else if (pid === pmtPid && !video) {
              const pmt = parsePmt(block, off);
              const v = pmt ? findVideoStream(pmt) : null;
              if (v) video = { pid: v.pid, codec: v.codec };
            } else if (video && pid === video.pid && packetPusi(block, off)) {
              if (inKeyframe) firstFrameMs = clock.monotonicMs() - t0;
              else inKeyframe = isKeyframeStart(block, off, video.pid, video.codec);
            }
          }
        }
      });
      setTimeout(() => {
        req.destroy();
        resolve({ firstFrameMs, body: Buffer.concat(chunks), startedAt });
      }, holdMs);
    });
    req.on('error', (e) => (chunks.length ? undefined : reject(e)));
  });
}

/** CPU ticks (1/100 s) the processes have used so far; exited ones count nothing. */
export const cpuTicks = (pids: number[]): number => pids.reduce((t, pid) => t + (readProc(pid)?.ticks ?? 0), 0);

async function station(profile: OutputProfile, tmp: string) {
  const media = path.join(tmp, 'media', 'bench');
  mkdirSync(media, { recursive: true });
  await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 60, width: 320, height: 180 });
  const data = path.join(tmp, 'data');
  const st = openStation({ dataDir: data });
  st.library.addSource('bench', path.join(tmp, 'media'));
  await st.scanner.scan('bench');
  const epochMs = clock.nowMs() - 10_000;
  st.channels.addLoop({ number: 1, name: 'Bench', collection: 'bench', startMs: epochMs, timezone: 'UTC' });
  st.close();
  const running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, profile });
  return { running, epochMs };
}

export async function run(): Promise<void> {
  const tmp = makeTempDir('retrovue-bench-');
  try {
    for (const [label, profile] of [
      ['360p30', { ...DEFAULT_PROFILE, width: 640, height: 360, videoBitrateKbps: 1200 }],
      ['720p30', DEFAULT_PROFILE],
    ] as const) {
      const { running, epochMs } = await station(profile, path.join(tmp.dir, label));
      const url = `${running.url}/iptv/channel/1.ts`;
      const colds: number[] = [];
      const offsets: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await tune(url, 2500);
        colds.push(r.firstFrameMs);
        const frames = await readFrameNumbers(r.body);
        const first = frames.find((f) => f !== null);
        // Judged when the picture appears at the viewer: it must be what is on at that moment.
        const want = (((r.startedAt + Math.max(0, r.firstFrameMs) - epochMs) % 60_000) * FPS) / 1000;
        if (first !== undefined && first !== null) offsets.push(Math.abs(first - want));
        await clock.sleep(800); // linger 0: the channel goes off air between tries
      }
      // Warm: keep one viewer, tune others in.
      const holder = tune(url, 12_000);
      await clock.sleep(2500);
      const warms: number[] = [];
      for (let i = 0; i < 3; i++) warms.push((await tune(url, 800)).firstFrameMs);
      const manager = running.director.manager(1)!;
      const pids = manager.runtimeStatus().pids;
      const t0 = clock.monotonicMs();
      const c0 = cpuTicks(pids);
      await clock.sleep(5000);
      const cpuPct = ((cpuTicks(manager.runtimeStatus().pids) - c0) / 100 / ((clock.monotonicMs() - t0) / 1000)) * 100;
      await holder;
      await clock.sleep(1000);
      const after = running.director.pids().length;
      await running.stop();
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      console.log(`tune_in.${label}.cold_first_frame_ms: median ${med(colds).toFixed(0)} (runs ${colds.map((x) => x.toFixed(0)).join(', ')}) target <= 1000`);
      console.log(`tune_in.${label}.warm_first_frame_ms: median ${med(warms).toFixed(0)} (runs ${warms.map((x) => x.toFixed(0)).join(', ')}) target <= 300`);
      console.log(`tune_in.${label}.offset_error_frames (first picture vs schedule when it appears): ${offsets.map((x) => x.toFixed(1)).join(', ')} (target <= 15 frames = 0.5 s, aim 1)`);
      console.log(`tune_in.${label}.processes_on_air: ${pids.length} (target <= 2)`);
      console.log(`tune_in.${label}.processes_after_last_viewer: ${after} (target 0)`);
      console.log(`tune_in.${label}.cpu_percent_of_one_core: ${cpuPct.toFixed(0)}`);
    }
  } finally {
    tmp.cleanup();
  }
}
