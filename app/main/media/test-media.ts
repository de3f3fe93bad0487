/**
 * Small generated media for tests and the demo station, made with ffmpeg's lavfi
 * sources, plus a reader that recovers frame numbers from a stream.
 *
 * The frame-numbered clip draws its frame number N (plus an optional offset) as 16
 * big blocks in a horizontal band across the middle of the picture, most significant
 * bit on the left, white = 1. The rest of the picture is mid grey, which tells the
 * reader a numbered frame from black or a slate. Blocks are a sixteenth of the width,
 * so they survive scaling and H.264 compression.
 */
import { spawn } from 'node:child_process';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { resolveFfmpegBinaries, type FfmpegBinaries } from './ffmpeg-binaries.ts';
import { filterValue } from '../playout/filter-escape.ts';
import { findCaptionFont } from '../playout/caption-font.ts';

export interface ClipOptions {
  seconds: number;
  width?: number;
  height?: number;
  /** Frame rate as "N" or "N/D"; default 30. */
  fps?: string;
  /** Added to the frame number drawn (to tell clips apart); default 0. */
  numberOffset?: number;
  /** Sine tone frequency; 0 or null for no audio track. Default 440. */
  toneHz?: number | null;
  /** Keyframe interval in frames; default one every half second. */
  gop?: number;
  binaries?: FfmpegBinaries;
}

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Run a binary with an argument array, optionally feeding stdin; collects output. */
export function runBinary(binary: string, args: string[], stdin?: Buffer): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (c: string) => {
      err = (err + c).slice(-8000);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    if (stdin && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(stdin);
    }
  });
}

async function ffmpeg(args: string[], binaries?: FfmpegBinaries): Promise<void> {
  const bin = (binaries ?? resolveFfmpegBinaries()).ffmpeg;
  const r = await runBinary(bin, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
  if (r.code !== 0) throw new Error(`ffmpeg failed (${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

function fpsValue(fps: string | undefined): number {
  const [n, d] = (fps ?? '30').split('/').map(Number);
  return (n ?? 30) / (d ?? 1);
}

/** geq expression: grey, with the number band across the middle. */
export function frameNumberGeq(offset = 0): string {
  const bit = `mod(floor((N+${offset})/pow(2,15-floor(X*16/W))),2)`;
  return `geq=lum='if(between(Y,H/4,3*H/4),255*${bit},128)':cb=128:cr=128`;
}

function encodeArgs(opts: ClipOptions, audio: boolean): string[] {
  const gop = opts.gop ?? Math.max(1, Math.round(fpsValue(opts.fps) / 2));
  const args = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-g', String(gop), '-pix_fmt', 'yuv420p'];
  if (audio) args.push('-c:a', 'aac', '-b:a', '96k');
  return args;
}

/** Input arguments for the lavfi sources, and the -map arguments that must follow all inputs. */
function sources(opts: ClipOptions, videoChain: string): { args: string[]; maps: string[]; audio: boolean } {
  const w = opts.width ?? 320;
  const h = opts.height ?? 180;
  const fps = opts.fps ?? '30';
  const args = ['-f', 'lavfi', '-i', `color=c=gray:s=${w}x${h}:r=${fps}:d=${opts.seconds},${videoChain}`];
  const audio = opts.toneHz !== null && opts.toneHz !== 0;
  const maps = ['-map', '0:v'];
  if (audio) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=${opts.toneHz ?? 440}:sample_rate=48000:duration=${opts.seconds}`);
    maps.push('-map', '1:a');
  }
  return { args, maps, audio };
}

/** (a) A clip whose every frame shows its own number as a bit pattern, with a tone. */
export async function makeFrameNumberedClip(file: string, opts: ClipOptions): Promise<string> {
  const src = sources(opts, `format=gray,${frameNumberGeq(opts.numberOffset ?? 0)}`);
  await ffmpeg([...src.args, ...src.maps, ...encodeArgs(opts, src.audio), '-t', String(opts.seconds), file], opts.binaries);
  return file;
}

/**
 * (b) A file no decoder can use. 'garbage' is random bytes behind a plausible name;
 * 'truncated' is a real clip cut off halfway (plays its first part, then ends early).
 */
export async function makeCorruptFile(
  file: string,
  kind: 'garbage' | 'truncated' = 'garbage',
  binaries?: FfmpegBinaries,
): Promise<string> {
  if (kind === 'garbage') {
    const bytes = Buffer.alloc(64 * 1024);
    let x = 0x2545f491;
    for (let i = 0; i < bytes.length; i++) {
      // xorshift: deterministic noise, no entropy source needed.
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    bytes.write('ftypisom', 4, 'latin1');
    await writeFile(file, bytes);
    return file;
  }
  const tmp = `${file}.full.ts`;
  await makeFrameNumberedClip(tmp, { seconds: 4, binaries });
  const full = await readFile(tmp);
  await writeFile(file, full.subarray(0, Math.floor(full.length / 2 / 188) * 188));
  await unlink(tmp);
  return file;
}

export interface Chapter {
  startMs: number;
  endMs: number;
  title: string;
}

/** Escape a value for an ffmetadata file. */
export function escapeFfmetadata(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/** (c) A frame-numbered clip carrying chapter markers. */
export async function makeChapterClip(file: string, opts: ClipOptions & { chapters: Chapter[]; title?: string }): Promise<string> {
  const meta = [';FFMETADATA1'];
  if (opts.title) meta.push(`title=${escapeFfmetadata(opts.title)}`);
  for (const c of opts.chapters) {
    meta.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${Math.round(c.startMs)}`, `END=${Math.round(c.endMs)}`, `title=${escapeFfmetadata(c.title)}`);
  }
  const metaFile = `${file}.ffmeta`;
  await writeFile(metaFile, meta.join('\n') + '\n');
  const src = sources(opts, `format=gray,${frameNumberGeq(opts.numberOffset ?? 0)}`);
  const metaInput = src.audio ? 2 : 1;
  await ffmpeg(
    [...src.args, '-f', 'ffmetadata', '-i', metaFile, ...src.maps, '-map_metadata', String(metaInput), '-map_chapters', String(metaInput), ...encodeArgs(opts, src.audio), '-t', String(opts.seconds), file],
    opts.binaries,
  );
  await unlink(metaFile);
  return file;
}

/** (d) A clip with burnt-in title text (if a system font exists) and a tone. */
export async function makeTitleClip(file: string, opts: ClipOptions & { title: string; background?: string }): Promise<string> {
  const font = findCaptionFont();
  const h = opts.height ?? 180;
  const text = font
    ? `drawtext=expansion=none:fontfile=${filterValue(font)}:text=${filterValue(opts.title)}:fontcolor=white:fontsize=${Math.round(h / 8)}:x=(w-text_w)/2:y=(h-text_h)/2`
    : 'null';
  const bg = /^[#0-9a-zA-Z]+$/.test(opts.background ?? '') ? opts.background! : '0x224488';
  const src = sources(opts, `drawbox=c=${bg}:t=fill,${text}`);
  await ffmpeg([...src.args, ...src.maps, ...encodeArgs(opts, src.audio), '-t', String(opts.seconds), file], opts.binaries);
  return file;
}

/**
 * (e) A clip that goes black and silent for a moment, as a programme does at a
 * commercial break, with a black flash under the tone and a pause over the picture
 * that are not breaks. `segments` are [kind, seconds]: 'show' (picture and tone),
 * 'break' (black, silent), 'flash' (black, tone), 'pause' (picture, silent).
 */
export async function makeGapClip(
  file: string,
  segments: ReadonlyArray<readonly ['show' | 'break' | 'flash' | 'pause', number]>,
  opts: { width?: number; height?: number; audio?: boolean; binaries?: FfmpegBinaries } = {},
): Promise<string> {
  const size = `size=${opts.width ?? 320}x${opts.height ?? 180}:rate=25`;
  const audio = opts.audio !== false;
  const inputs: string[] = [];
  for (const [kind, d] of segments) inputs.push('-f', 'lavfi', '-i', kind === 'break' || kind === 'flash' ? `color=black:${size}:d=${d}` : `testsrc2=${size}:d=${d}`);
  if (audio) for (const [kind, d] of segments) inputs.push('-f', 'lavfi', '-i', kind === 'break' || kind === 'pause' ? `anullsrc=r=48000:cl=mono:d=${d}` : `sine=f=440:r=48000:d=${d}`);
  const n = segments.length;
  const v = segments.map((_, i) => `[${i}:v]`).join('');
  const a = segments.map((_, i) => `[${n + i}:a]`).join('');
  const graph = `${v}concat=n=${n}:v=1:a=0[v]${audio ? `;${a}concat=n=${n}:v=0:a=1[a]` : ''}`;
  await ffmpeg(
    [...inputs, '-filter_complex', graph, '-map', '[v]', ...(audio ? ['-map', '[a]', '-c:a', 'aac'] : []), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '50', file],
    opts.binaries,
  );
  return file;
}

/** (f) A picture with programme-like sound (a three-tone chord) at `db` relative to a steady reference level, for loudness tests. */
export async function makeChordClip(file: string, db: number, seconds = 4, binaries?: FfmpegBinaries): Promise<string> {
  await ffmpeg(
    [
      '-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=25:d=${seconds}`,
      '-f', 'lavfi', '-i', `aevalsrc=0.2*sin(2*PI*220*t)+0.15*sin(2*PI*660*t)+0.1*sin(2*PI*1500*t):s=48000:d=${seconds}`,
      '-map', '0:v', '-map', '1:a', '-af', `volume=${db}dB`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', file,
    ],
    binaries,
  );
  return file;
}

const READ_W = 64;
const READ_H = 36;

/** Decode one gray READ_W×READ_H frame into a frame number, or null if it carries no pattern. */
export function decodeFrameNumber(frame: Uint8Array, width = READ_W, height = READ_H): number | null {
  const mid = Math.floor(height / 2) * width;
  const top = Math.floor(height / 10) * width;
  // The grey surround distinguishes a numbered frame from black, a slate or a title card.
  for (const x of [Math.floor(width / 4), Math.floor(width / 2), Math.floor((3 * width) / 4)]) {
    const g = frame[top + x] ?? 0;
    if (g < 100 || g > 156) return null;
  }
  let n = 0;
  const block = width / 16;
  for (let i = 0; i < 16; i++) {
    const v = frame[mid + Math.floor(block * i + block / 2)] ?? 0;
    if (v > 70 && v < 185) return null;
    n = n * 2 + (v >= 128 ? 1 : 0);
  }
  return n;
}

/**
 * Read the frame numbers of every frame in a file or an in-memory stream (e.g.
 * captured MPEG-TS). null marks frames without the pattern (black, slate).
 */
export async function readFrameNumbers(input: string | Buffer, binaries?: FfmpegBinaries): Promise<(number | null)[]> {
  const bin = (binaries ?? resolveFfmpegBinaries()).ffmpeg;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  args.push('-i', typeof input === 'string' ? input : 'pipe:0');
  args.push('-map', '0:v:0', '-vf', `scale=${READ_W}:${READ_H}:flags=area,format=gray`, '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1');
  const r = await runBinary(bin, args, typeof input === 'string' ? undefined : input);
  if (r.code !== 0 && r.stdout.length === 0) throw new Error(`readFrameNumbers: ffmpeg failed: ${r.stderr.trim()}`);
  const size = READ_W * READ_H;
  const out: (number | null)[] = [];
  for (let off = 0; off + size <= r.stdout.length; off += size) out.push(decodeFrameNumber(r.stdout.subarray(off, off + size)));
  return out;
}

/** Run ffprobe with JSON output on a file. */
export async function ffprobeJson(file: string, args: string[], binaries?: FfmpegBinaries): Promise<unknown> {
  const bin = (binaries ?? resolveFfmpegBinaries()).ffprobe;
  const r = await runBinary(bin, ['-v', 'error', '-of', 'json', ...args, file]);
  if (r.code !== 0) throw new Error(`ffprobe failed (${r.code}): ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.toString('utf8')) as unknown;
}
