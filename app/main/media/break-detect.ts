/**
 * Break points in a file without chapters: where the picture goes black while the
 * sound goes silent, the place a programme was cut for commercials when it aired.
 *
 * Cheap first: silencedetect over the audio alone (AAC decodes at hundreds of times
 * real time), then blackdetect only on the few seconds around each silence. A file
 * without audio has its whole picture checked. Each run is one ffmpeg with an
 * argument array, killed if it overruns.
 */
import { spawn } from 'node:child_process';
import { resolveFfmpegBinaries, type FfmpegBinaries } from './ffmpeg-binaries.ts';

export interface BreakDetectOptions {
  /** Shortest black (and silence) that counts, seconds. Default 0.3. */
  minSeconds?: number;
  /** Silence threshold, dB. Default −50. */
  noiseDb?: number;
  /** Black threshold: share of the pixel range a pixel may reach and still be black. Default 0.10. */
  pixelThreshold?: number;
  /** Silences looked at for black, at most (the longest ones first). Default 60. */
  maxCandidates?: number;
  binaries?: FfmpegBinaries;
}

export interface Interval {
  startMs: number;
  endMs: number;
}

export type BreakDetectOutcome = { ok: true; breaks: number[]; silences: number; blackRuns: number } | { ok: false; reason: string };

/** Two candidates closer than this are one break. */
const MERGE_MS = 2000;
/** Black and silence must overlap this much to be a break. */
const MIN_OVERLAP_MS = 100;

/** Arguments for the silence pass (an array, never a shell line). */
export function silenceArgs(file: string, o: Required<Pick<BreakDetectOptions, 'minSeconds' | 'noiseDb'>>): string[] {
  return ['-hide_banner', '-nostdin', '-nostats', '-i', file, '-map', '0:a:0', '-vn', '-sn', '-dn', '-af', `silencedetect=n=${o.noiseDb}dB:d=${o.minSeconds}`, '-f', 'null', '-'];
}

/** Arguments for the black pass over [fromMs, fromMs + lengthMs) (the whole picture when lengthMs is null). */
export function blackArgs(file: string, fromMs: number, lengthMs: number | null, o: Required<Pick<BreakDetectOptions, 'minSeconds' | 'pixelThreshold'>>): string[] {
  const window = lengthMs === null ? [] : ['-ss', (fromMs / 1000).toFixed(3), '-t', (lengthMs / 1000).toFixed(3)];
  return [
    '-hide_banner', '-nostdin', '-nostats', '-threads', '1', ...window, '-i', file,
    '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', `blackdetect=d=${o.minSeconds}:pix_th=${o.pixelThreshold}`, '-f', 'null', '-',
  ];
}

/** silencedetect's log lines as intervals (a silence still open at the end runs to `endMs`). */
export function parseSilences(log: string, endMs = Infinity): Interval[] {
  const out: Interval[] = [];
  let open: number | null = null;
  for (const line of log.split('\n')) {
    const s = /silence_start:\s*(-?[\d.]+)/.exec(line);
    if (s) open = Math.max(0, Math.round(Number(s[1]) * 1000));
    const e = /silence_end:\s*(-?[\d.]+)/.exec(line);
    if (e && open !== null) {
      out.push({ startMs: open, endMs: Math.round(Number(e[1]) * 1000) });
      open = null;
    }
  }
  if (open !== null && Number.isFinite(endMs)) out.push({ startMs: open, endMs });
  return out;
}

/** blackdetect's log lines as intervals, shifted by `offsetMs` (the pass's seek). */
export function parseBlacks(log: string, offsetMs = 0): Interval[] {
  const out: Interval[] = [];
  const re = /black_start:\s*(-?[\d.]+)\s+black_end:\s*(-?[\d.]+)/g;
  for (let m = re.exec(log); m; m = re.exec(log)) out.push({ startMs: offsetMs + Math.round(Number(m[1]) * 1000), endMs: offsetMs + Math.round(Number(m[2]) * 1000) });
  return out;
}

/**
 * Break points (ms, ascending): the middle of each stretch both black and silent
 * (black alone when `silences` is null: a file without sound), candidates within
 * MERGE_MS of each other merged. Pure.
 */
export function breakPointsFrom(blacks: Interval[], silences: Interval[] | null, durationMs: number): number[] {
  const points: number[] = [];
  for (const b of blacks) {
    const overlaps = silences === null ? [b] : silences.map((s) => ({ startMs: Math.max(s.startMs, b.startMs), endMs: Math.min(s.endMs, b.endMs) }));
    for (const o of overlaps) {
      if (o.endMs - o.startMs < (silences === null ? 1 : MIN_OVERLAP_MS)) continue;
      const mid = Math.round((o.startMs + o.endMs) / 2);
      // A black open or close of the file is not a break inside it.
      if (mid <= 1000 || mid >= durationMs - 1000) continue;
      points.push(mid);
    }
  }
  points.sort((a, b) => a - b);
  const merged: number[] = [];
  for (const p of points) if (merged.length === 0 || p - (merged[merged.length - 1] as number) >= MERGE_MS) merged.push(p);
  return merged;
}

function runLog(bin: string, args: string[], timeoutMs: number): Promise<{ code: number | null; log: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8');
    // Only the detector lines matter; keep them and a short tail for the reason of a failure.
    child.stderr.on('data', (c: string) => {
      log += c;
      if (log.length > 1_000_000) log = log.slice(-500_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, log: String(err.message), timedOut });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, log, timedOut });
    });
  });
}

function failure(what: string, r: { code: number | null; log: string; timedOut: boolean }, timeoutMs: number): BreakDetectOutcome {
  const tail = r.log.trim().split('\n').filter((l) => !/^\s*\[(silencedetect|blackdetect)/.test(l)).slice(-1)[0] ?? '';
  return { ok: false, reason: r.timedOut ? `${what} timed out after ${Math.round(timeoutMs / 1000)} s` : `${what} failed (${r.code}): ${tail}` };
}

/** Break points of `file` (ms, ascending); `hasAudio` / `hasVideo` say which passes can run. */
export async function detectBreaks(file: string, media: { durationMs: number; hasAudio: boolean; hasVideo: boolean }, opts: BreakDetectOptions = {}): Promise<BreakDetectOutcome> {
  if (!media.hasVideo) return { ok: true, breaks: [], silences: 0, blackRuns: 0 };
  const o = { minSeconds: opts.minSeconds ?? 0.3, noiseDb: opts.noiseDb ?? -50, pixelThreshold: opts.pixelThreshold ?? 0.1 };
  const bin = (opts.binaries ?? resolveFfmpegBinaries()).ffmpeg;
  // Generous: audio decodes far faster than real time; a whole-picture pass is the slow case.
  const timeoutMs = Math.max(30_000, media.durationMs);
  if (!media.hasAudio) {
    const r = await runLog(bin, blackArgs(file, 0, null, o), timeoutMs);
    if (r.code !== 0) return failure('black detection', r, timeoutMs);
    const blacks = parseBlacks(r.log);
    return { ok: true, breaks: breakPointsFrom(blacks, null, media.durationMs), silences: 0, blackRuns: blacks.length };
  }
  const s = await runLog(bin, silenceArgs(file, o), timeoutMs);
  if (s.code !== 0) return failure('silence detection', s, timeoutMs);
  const silences = parseSilences(s.log, media.durationMs).filter((x) => x.startMs > 0 && x.endMs < media.durationMs);
  const candidates = [...silences].sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs)).slice(0, opts.maxCandidates ?? 60);
  const blacks: Interval[] = [];
  for (const c of candidates) {
    // Half a second either side: black usually starts with the fade, before the sound is gone.
    const from = Math.max(0, c.startMs - 500);
    const length = c.endMs - c.startMs + 1000;
    const r = await runLog(bin, blackArgs(file, from, length, o), Math.max(10_000, length * 4));
    if (r.code !== 0) return failure('black detection', r, Math.max(10_000, length * 4));
    blacks.push(...parseBlacks(r.log, from));
  }
  return { ok: true, breaks: breakPointsFrom(blacks, silences, media.durationMs), silences: silences.length, blackRuns: blacks.length };
}
