/**
 * Argument lists for the disposable per-segment DECODER ffmpeg (and the one-shot
 * slate renderer). One process emits both streams: raw yuv420p frames on fd 3 and
 * s16le samples on fd 4, already normalised to the channel profile, so the engine
 * only counts bytes.
 */
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import { drawText } from './draw-text.ts';
import { logoChain, type LogoInput } from './overlay-filter.ts';

/** The fds decoders write to (stdio indices in the child). */
export const DECODER_VIDEO_FD = 3;
export const DECODER_AUDIO_FD = 4;

export interface DecoderArgsInput {
  path: string;
  /** Position in the file of the first wanted frame (ms): the in-point plus whole output frames. */
  seekMs: number;
  /** Frames wanted (the engine trims or pads to its exact count anyway). */
  frames: number;
  /** Audio samples wanted. */
  samples: number;
  video: boolean;
  audio: boolean;
  logLevel?: 'error' | 'warning' | 'info';
  /** Extra video filter drawn over the normalised picture (branding text, the emergency crawl). */
  overlay?: string;
  /** The logo bug: a second input overlaid before `overlay`. */
  logo?: LogoInput;
  /** Gain (dB) to the channel's loudness target. */
  gainDb?: number;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Video chain: fixed rate first (drops frames before scaling), then fit inside the profile with letterbox/pillarbox. */
export function normaliseVideoFilter(profile: OutputProfile): string {
  const { width: w, height: h, fpsNum, fpsDen } = profile;
  return [
    `fps=fps=${fpsNum}/${fpsDen}:start_time=0`,
    `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2`,
    `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`,
    'setsar=1',
    'format=yuv420p',
  ].join(',');
}

/** Audio chain: resample to the profile and pad/stretch to the timestamps so sound starts exactly at the seek point. */
export function normaliseAudioFilter(profile: OutputProfile): string {
  const layout = profile.audioChannels === 1 ? 'mono' : profile.audioChannels === 2 ? 'stereo' : `${profile.audioChannels}c`;
  return [
    `aresample=${profile.audioSampleRate}:async=1:first_pts=0`,
    `aformat=sample_fmts=s16:sample_rates=${profile.audioSampleRate}:channel_layouts=${layout}`,
  ].join(',');
}

/** The audio chain with the asset's level gain, applied before the samples become s16 (a number of ours, nothing else). */
export function levelledAudioFilter(profile: OutputProfile, gainDb: number | undefined): string {
  const base = normaliseAudioFilter(profile);
  if (!gainDb || !Number.isFinite(gainDb)) return base;
  const [resample, ...rest] = base.split(',');
  return [resample, `volume=${gainDb.toFixed(1)}dB`, ...rest].join(',');
}

/**
 * Where to seek for a first frame at `targetMs`, and how far before it that is. Accurate
 * seeking drops every frame that starts before the seek point, so seeking exactly onto a
 * frame (or a hair past it, after rounding) would lose that frame and show the next one
 * twice. Seeking a quarter frame early keeps it, and the fps filter still puts it first.
 */
export function seekPoint(profile: OutputProfile, targetMs: number, video: boolean): { seekMs: number; leadMs: number } {
  const frameMs = (1000 * profile.fpsDen) / profile.fpsNum;
  const target = Math.max(0, targetMs);
  if (!video) return { seekMs: target, leadMs: 0 };
  // Whole milliseconds, rounded down: the seek argument is written to the ms.
  const seekMs = Math.max(0, Math.floor(target - frameMs / 4));
  return { seekMs, leadMs: target - seekMs };
}

/** Audio chain for a decoder that seeked `leadMs` early: drop those samples first, so sound starts at the picture's point. */
function seekedAudioFilter(profile: OutputProfile, gainDb: number | undefined, leadMs: number): string {
  const chain = levelledAudioFilter(profile, gainDb);
  if (leadMs <= 0) return chain;
  return `atrim=start=${(leadMs / 1000).toFixed(6)},asetpts=PTS-STARTPTS,${chain}`;
}

export function buildDecoderArgs(profile: OutputProfile, input: DecoderArgsInput): string[] {
  if (!input.video && !input.audio) throw new Error('decoder needs at least one of video/audio');
  const args = ['-hide_banner', '-nostdin', '-loglevel', input.logLevel ?? 'warning'];
  // Input seeking: ffmpeg jumps to the keyframe before and discards up to the exact point.
  const seek = seekPoint(profile, input.seekMs, input.video);
  if (seek.seekMs > 0) args.push('-ss', seconds(seek.seekMs));
  args.push('-i', input.path);
  // One picture; overlay repeats it for every frame of the programme.
  const logo = input.video ? input.logo : undefined;
  // One still image, its name taken literally (no %d sequence or glob).
  if (logo) args.push('-f', 'image2', '-pattern_type', 'none', '-i', logo.image);
  // One frame of slack so the engine trims rather than pads at the segment's end.
  const frameMs = (1000 * profile.fpsDen) / profile.fpsNum;
  if (input.video) {
    const picture = logo
      ? [
          '-filter_complex',
          [
            `[0:v:0]${normaliseVideoFilter(profile)}[base]`,
            `[1:v:0]${logoChain(logo)}[logo]`,
            `[base][logo]overlay=x=${logo.x}:y=${logo.y}:eof_action=repeat:format=auto${input.overlay ? `,${input.overlay}` : ''},format=yuv420p[v]`,
          ].join(';'),
          '-map', '[v]',
        ]
      : ['-map', '0:v:0', '-vf', input.overlay ? `${normaliseVideoFilter(profile)},${input.overlay}` : normaliseVideoFilter(profile)];
    args.push(
      ...picture,
      '-frames:v', String(input.frames + 1),
      '-f', 'rawvideo',
      '-pix_fmt', 'yuv420p',
      `pipe:${DECODER_VIDEO_FD}`,
    );
  }
  if (input.audio) {
    const durMs = (input.samples * 1000) / profile.audioSampleRate + frameMs;
    args.push(
      '-map', '0:a:0',
      '-af', seekedAudioFilter(profile, input.gainDb, seek.leadMs),
      '-t', seconds(durMs),
      '-f', 's16le',
      '-ar', String(profile.audioSampleRate),
      '-ac', String(profile.audioChannels),
      `pipe:${DECODER_AUDIO_FD}`,
    );
  }
  return args;
}

export interface SlateArgsInput {
  caption: string;
  /** A font file; without one the slate is rendered without text. */
  fontFile?: string;
  logLevel?: 'error' | 'warning' | 'info';
}

/**
 * One raw frame of a slate in the channel's own format. The caption is escaped for
 * the filtergraph and drawn literally (expansion=none), so any text is safe.
 */
export function buildSlateArgs(profile: OutputProfile, input: SlateArgsInput): string[] {
  const { width: w, height: h } = profile;
  const filters = ['format=yuv420p'];
  if (input.fontFile && input.caption.trim() !== '') {
    const size = Math.max(10, Math.round(h / 14));
    filters.unshift(drawText({ fontFile: input.fontFile, text: input.caption, size, x: '(w-text_w)/2', y: '(h-text_h)/2' }));
  }
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel', input.logLevel ?? 'warning',
    '-f', 'lavfi',
    '-i', `color=c=0x202a44:s=${w}x${h}:r=1`,
    '-frames:v', '1',
    '-vf', filters.join(','),
    '-f', 'rawvideo',
    '-pix_fmt', 'yuv420p',
    `pipe:${DECODER_VIDEO_FD}`,
  ];
}
