/**
 * One still of a media file at an offset, as a small JPEG: the poster an off-air multiview
 * tile shows. One short ffmpeg run (seek before the input, decode one frame, scale), killed if
 * it takes too long, so a slow disk or a broken file costs a bounded moment and nothing more.
 */
import { spawn } from 'node:child_process';
import { resolveFfmpegBinaries, type FfmpegBinaries } from './ffmpeg-binaries.ts';

export interface PosterFrameOptions {
  /** Picture width; height keeps the aspect (even). Default 320. */
  width?: number;
  /** Kill ffmpeg after this long. Default 5 s. */
  timeoutMs?: number;
  binaries?: FfmpegBinaries;
}

export class PosterFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PosterFrameError';
  }
}

/** A JPEG far beyond this is not a 320-wide still: something is wrong. */
const MAX_BYTES = 4 * 1024 * 1024;

/** The ffmpeg arguments (an array, never a shell line) for one frame of `file` at `offsetMs`. */
export function posterFrameArgs(file: string, offsetMs: number, width: number): string[] {
  const seconds = (Math.max(0, offsetMs) / 1000).toFixed(3);
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    // Before -i: a fast keyframe seek, then decoding to the exact time.
    '-ss', seconds, '-i', file,
    '-map', '0:v:0', '-frames:v', '1', '-an', '-sn', '-dn',
    '-vf', `scale=${Math.round(width)}:-2`,
    '-q:v', '5', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1',
  ];
}

export function extractPosterFrame(file: string, offsetMs: number, opts: PosterFrameOptions = {}): Promise<Buffer> {
  const width = opts.width ?? 320;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const { ffmpeg } = opts.binaries ?? resolveFfmpegBinaries();
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, posterFrameArgs(file, offsetMs, width), { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: string | null = null;
    const timer = setTimeout(() => {
      failure = `ffmpeg took longer than ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BYTES) {
        failure = `the still came out larger than ${MAX_BYTES} bytes`;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(c);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr = (stderr + c).slice(-2000)));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new PosterFrameError(`ffmpeg could not start: ${err.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(chunks);
      if (failure) return reject(new PosterFrameError(failure));
      // A JPEG starts with FF D8; anything else (or nothing, e.g. an offset past the end) is a failure.
      if (code !== 0 || jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) {
        const why = stderr.trim().split('\n').at(-1) || (code === 0 ? 'no picture at that offset' : `exit code ${code}`);
        return reject(new PosterFrameError(`no still: ${why}`));
      }
      resolve(jpeg);
    });
  });
}
