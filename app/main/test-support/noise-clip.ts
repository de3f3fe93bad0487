/** A clip of moving noise: incompressible, so the encoder really spends its bitrate. */
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { runBinary } from '../media/test-media.ts';

export async function makeNoiseClip(file: string, seconds: number): Promise<string> {
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=s=320x180:r=30:d=${seconds},noise=alls=80:allf=t+u`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-g', '15', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-t', String(seconds), file,
  ]);
  if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return file;
}
