/**
 * Per-frame colour of a captured stream, to tell the error slate (a dark blue card) from
 * black or a grey frame-numbered picture, which the frame-number reader sees alike (null).
 */
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { runBinary } from '../media/test-media.ts';

const W = 8;
const H = 4;

/** Blue minus red, averaged over each frame (the slate is about +35; black and grey are 0). */
export async function blueTint(ts: Buffer): Promise<number[]> {
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-i', 'pipe:0', '-map', '0:v:0',
    '-vf', `scale=${W}:${H}:flags=area,format=rgb24`, '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1',
  ], ts);
  const size = W * H * 3;
  const out: number[] = [];
  for (let off = 0; off + size <= r.stdout.length; off += size) {
    let d = 0;
    for (let p = off; p < off + size; p += 3) d += r.stdout[p + 2]! - r.stdout[p]!;
    out.push(d / (W * H));
  }
  return out;
}
