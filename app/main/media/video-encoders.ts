/**
 * What this machine's ffmpeg can encode, and how fast: the H.264 encoders it lists
 * (hardware ones appear only when ffmpeg was built with them; the hardware itself is
 * proven by the self-test), and a short self-test that encodes a test pattern at a
 * channel's profile to see whether it keeps up with real time.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { MasterClock } from '../clock/master-clock.ts';
import { gopFrames, videoEncoderArgs } from '../playout/encoder-args.ts';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import type { FfmpegBinaries } from './ffmpeg-binaries.ts';

const H264 = ['libx264', 'h264_nvenc', 'h264_vaapi', 'h264_qsv'];

/** H.264 encoders in `ffmpeg -encoders` (empty when ffmpeg cannot be run). */
export function listVideoEncoders(binaries: FfmpegBinaries): Set<string> {
  const r = spawnSync(binaries.ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8', timeout: 10_000 });
  const found = new Set<string>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const name = /^\s*V\S*\s+(\S+)/.exec(line)?.[1];
    if (name && H264.includes(name)) found.add(name);
  }
  return found;
}

/** Arguments of the self-test: `seconds` of test pattern and tone, encoded as the channel would, thrown away. */
export function selfTestArgs(profile: OutputProfile, seconds: number): string[] {
  const rate = `${profile.fpsNum}/${profile.fpsDen}`;
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=${profile.width}x${profile.height}:rate=${rate}`,
    '-f', 'lavfi', '-i', `sine=frequency=1000:sample_rate=${profile.audioSampleRate}`,
    '-t', String(seconds),
    ...videoEncoderArgs(profile, undefined, String(gopFrames(profile))),
    '-c:a', 'aac', '-b:a', `${profile.audioBitrateKbps}k`, '-ac', String(profile.audioChannels),
    '-f', 'mpegts', '-',
  ];
}

/**
 * Encode speed as a multiple of real time (≥ 1 keeps up). Rejects when ffmpeg fails, e.g.
 * a hardware encoder listed by ffmpeg with no device behind it.
 */
export function measureEncodeSpeed(profile: OutputProfile, opts: { binaries: FfmpegBinaries; clock: MasterClock; seconds?: number }): Promise<number> {
  const seconds = opts.seconds ?? 3;
  return new Promise((resolve, reject) => {
    const t0 = opts.clock.monotonicMs();
    const child = spawn(opts.binaries.ffmpeg, selfTestArgs(profile, seconds), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the encoder self-test failed: ${err.trim().split('\n').at(-1) ?? `exit ${code}`}`));
      resolve((seconds * 1000) / Math.max(1, opts.clock.monotonicMs() - t0));
    });
  });
}
