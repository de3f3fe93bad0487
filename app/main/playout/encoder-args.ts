/**
 * Argument list for a channel's long-lived ENCODER ffmpeg.
 *
 * Inputs are raw frames on stdin (pipe:0) and raw s16le samples on fd 3, both at
 * fixed rates, so the encoder's timestamps come from counting frames and samples:
 * audio and video cannot drift and segment boundaries are invisible to it.
 * Output is H.264 + AAC in MPEG-TS on stdout, tuned for low start latency.
 */
import type { OutputProfile } from '../runtime/producer/output-profile.ts';

export interface EncoderArgsOptions {
  /** libx264 preset; veryfast or faster keeps a 2-core box real time. */
  preset?: 'ultrafast' | 'superfast' | 'veryfast';
  logLevel?: 'error' | 'warning' | 'info';
  /** Output timestamps start here (s): a restarted encoder continues the channel's clock. */
  tsOffsetSeconds?: number;
}

/**
 * How far the PCR runs behind decode time (s). With 0, audio PES (several AAC
 * frames, written once full) reached players up to a frame after their decode time (VLC:
 * "dts later than pcr"); 0.1 s leaves every PES ~40 ms to spare and costs no tune-in time.
 */
export const MUX_DELAY_SECONDS = 0.1;

/**
 * PTS (90 kHz) of output frame 0: the muxer starts timestamps at twice the mux delay, and
 * the AAC encoder's priming (1024 samples) shifts the programme by one audio frame. The
 * station time of a video PTS is then t0 + (PTS − this) / 90 ms (checked on real ffmpeg).
 */
export function firstVideoPts90k(profile: OutputProfile): number {
  return Math.round(2 * MUX_DELAY_SECONDS * 90_000 + (1024 * 90_000) / profile.audioSampleRate);
}

/** Frames per GOP for the profile (keyframe every gopSeconds, at least 1 frame). */
export function gopFrames(profile: OutputProfile): number {
  return Math.max(1, Math.round((profile.gopSeconds * profile.fpsNum) / profile.fpsDen));
}

/**
 * The video encoder and its rate control. Software (libx264, zero-latency) is the default;
 * hardware encoders are used only when the station file asks and ffmpeg has them.
 */
export function videoEncoderArgs(profile: OutputProfile, preset: EncoderArgsOptions['preset'], gop: string): string[] {
  const maxrate = profile.maxrateKbps ?? profile.videoBitrateKbps;
  const rate = [
    ...(profile.crf !== undefined ? [] : ['-b:v', `${profile.videoBitrateKbps}k`]),
    '-maxrate', `${maxrate}k`,
    '-bufsize', `${profile.bufsizeKbps ?? maxrate * 2}k`,
  ];
  const keyframes = ['-g', gop, '-keyint_min', gop];
  switch (profile.encoder ?? 'libx264') {
    case 'h264_nvenc':
      return ['-c:v', 'h264_nvenc', '-preset', 'p2', '-tune', 'll', '-rc', profile.crf !== undefined ? 'vbr' : 'cbr', ...(profile.crf !== undefined ? ['-cq', String(profile.crf)] : []), ...rate, ...keyframes, '-forced-idr', '1', '-pix_fmt', 'yuv420p'];
    case 'h264_vaapi':
      // Frames arrive in system memory: upload them to the GPU for the encoder.
      return ['-vaapi_device', '/dev/dri/renderD128', '-vf', 'format=nv12,hwupload', '-c:v', 'h264_vaapi', ...(profile.crf !== undefined ? ['-qp', String(profile.crf)] : []), ...rate, ...keyframes];
    case 'h264_qsv':
      return ['-c:v', 'h264_qsv', '-preset', 'veryfast', ...(profile.crf !== undefined ? ['-global_quality', String(profile.crf)] : []), ...rate, ...keyframes, '-pix_fmt', 'nv12'];
    default:
      return [
        '-c:v', 'libx264',
        '-preset', profile.preset ?? preset ?? 'veryfast',
        '-tune', 'zerolatency',
        '-pix_fmt', 'yuv420p',
        ...(profile.crf !== undefined ? ['-crf', String(profile.crf)] : []),
        ...rate,
        ...keyframes,
        '-sc_threshold', '0',
      ];
  }
}

export function buildEncoderArgs(profile: OutputProfile, opts: EncoderArgsOptions = {}): string[] {
  if (profile.gopSeconds > 2) throw new Error(`gopSeconds must be ≤ 2, got ${profile.gopSeconds}`);
  const gop = String(gopFrames(profile));
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel', opts.logLevel ?? 'warning',
    // Raw inputs need no probing; without these ffmpeg waits ~1 s for audio before it starts.
    '-probesize', '32',
    '-analyzeduration', '0',
    '-f', 'rawvideo',
    '-pix_fmt', 'yuv420p',
    '-s', `${profile.width}x${profile.height}`,
    '-framerate', `${profile.fpsNum}/${profile.fpsDen}`,
    // Room for the initial burst; frames are large, so no more than that.
    '-thread_queue_size', '32',
    '-i', 'pipe:0',
    '-probesize', '32',
    '-analyzeduration', '0',
    '-f', 's16le',
    '-ar', String(profile.audioSampleRate),
    '-ac', String(profile.audioChannels),
    '-thread_queue_size', '256',
    '-i', 'pipe:3',
    '-map', '0:v:0',
    '-map', '1:a:0',
    ...videoEncoderArgs(profile, opts.preset, gop),
    '-c:a', 'aac',
    '-b:a', `${profile.audioBitrateKbps}k`,
    '-ar', String(profile.audioSampleRate),
    '-ac', String(profile.audioChannels),
    ...(opts.tsOffsetSeconds ? ['-output_ts_offset', opts.tsOffsetSeconds.toFixed(6)] : []),
    '-f', 'mpegts',
    '-muxdelay', String(MUX_DELAY_SECONDS),
    '-muxpreload', '0',
    '-flush_packets', '1',
    'pipe:1',
  ];
}
