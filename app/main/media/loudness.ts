/**
 * Loudness of a file's sound (EBU R128 / ITU-R BS.1770): integrated loudness and true
 * peak, measured with ffmpeg's ebur128 filter over the audio alone (it decodes at
 * hundreds of times real time). Scan-time work, never at tune time.
 */
import { spawn } from 'node:child_process';
import { resolveFfmpegBinaries, type FfmpegBinaries } from './ffmpeg-binaries.ts';

export interface Loudness {
  /** Integrated loudness, LUFS; null for silence (nothing above the gate). */
  integratedLufs: number | null;
  /** True peak, dBTP; null for silence. */
  truePeakDbtp: number | null;
}

export type LoudnessOutcome = { ok: true; value: Loudness } | { ok: false; reason: string };

/** The arguments (an array, never a shell line). */
export function loudnessArgs(file: string): string[] {
  return ['-hide_banner', '-nostdin', '-nostats', '-i', file, '-map', '0:a:0', '-vn', '-sn', '-dn', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-'];
}

/** The figures of ebur128's summary (the last one printed). */
export function parseLoudness(log: string): Loudness | null {
  const at = log.lastIndexOf('Summary:');
  if (at < 0) return null;
  const summary = log.slice(at);
  const num = (re: RegExp): number | null => {
    const m = re.exec(summary);
    if (!m) return null;
    const n = Number(m[1]);
    return Number.isFinite(n) && n > -70 ? n : null;
  };
  return { integratedLufs: num(/I:\s*(-?[\d.]+|-inf) LUFS/), truePeakDbtp: num(/Peak:\s*(-?[\d.]+|-inf) dBFS/) };
}

export function measureLoudness(file: string, opts: { timeoutMs?: number; binaries?: FfmpegBinaries } = {}): Promise<LoudnessOutcome> {
  const bin = (opts.binaries ?? resolveFfmpegBinaries()).ffmpeg;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  return new Promise((resolve) => {
    const child = spawn(bin, loudnessArgs(file), { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.setEncoding('utf8');
    // framelog=verbose keeps the per-block lines out of the log; the tail holds the summary.
    child.stderr.on('data', (c: string) => {
      log = (log + c).slice(-20_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `loudness measurement could not start: ${err.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const value = code === 0 ? parseLoudness(log) : null;
      if (value) resolve({ ok: true, value });
      else resolve({ ok: false, reason: timedOut ? `loudness measurement timed out after ${Math.round(timeoutMs / 1000)} s` : `loudness measurement failed (${code}): ${log.trim().split('\n').pop() ?? ''}` });
    });
  });
}
