/**
 * A channel's output as the station file says it (resolution names, frame rates as people
 * write them), and how it becomes the OutputProfile the encoder runs with.
 */
import type { OutputProfile, VideoEncoder, X264Preset } from './output-profile.ts';

export const RESOLUTIONS = { '360p': [640, 360], '480p': [640, 480], '576p': [720, 576], '720p': [1280, 720], '1080p': [1920, 1080] } as const;
export type ResolutionName = keyof typeof RESOLUTIONS;

/** Frame rates by the number people write, as exact rationals (29.97 is 30000/1001). */
export const FRAME_RATES = { 23.976: [24000, 1001], 24: [24, 1], 25: [25, 1], 29.97: [30000, 1001], 30: [30, 1], 50: [50, 1], 59.94: [60000, 1001], 60: [60, 1] } as const;
export type FrameRateName = keyof typeof FRAME_RATES;

export type EncoderName = 'software' | 'nvenc' | 'vaapi' | 'qsv';
export const ENCODERS: Record<EncoderName, VideoEncoder> = { software: 'libx264', nvenc: 'h264_nvenc', vaapi: 'h264_vaapi', qsv: 'h264_qsv' };

export interface OutputSpec {
  resolution?: ResolutionName;
  fps?: FrameRateName;
  videoBitrateKbps?: number;
  crf?: number;
  maxrateKbps?: number;
  bufsizeKbps?: number;
  preset?: X264Preset;
  audioBitrateKbps?: number;
  audioChannels?: 1 | 2;
  encoder?: EncoderName;
}

/** `spec` over `base`: what the spec names replaces the base, the rest stays. */
export function resolveProfile(spec: OutputSpec | null | undefined, base: OutputProfile): OutputProfile {
  if (!spec) return base;
  const p: OutputProfile = { ...base };
  if (spec.resolution) [p.width, p.height] = RESOLUTIONS[spec.resolution];
  if (spec.fps !== undefined) [p.fpsNum, p.fpsDen] = FRAME_RATES[spec.fps];
  if (spec.videoBitrateKbps !== undefined) p.videoBitrateKbps = spec.videoBitrateKbps;
  if (spec.crf !== undefined) p.crf = spec.crf;
  if (spec.maxrateKbps !== undefined) p.maxrateKbps = spec.maxrateKbps;
  if (spec.bufsizeKbps !== undefined) p.bufsizeKbps = spec.bufsizeKbps;
  if (spec.preset) p.preset = spec.preset;
  if (spec.audioBitrateKbps !== undefined) p.audioBitrateKbps = spec.audioBitrateKbps;
  if (spec.audioChannels !== undefined) p.audioChannels = spec.audioChannels;
  if (spec.encoder) p.encoder = ENCODERS[spec.encoder];
  return p;
}

/** The stored spec (JSON text from the channels table), or null; a damaged one is reported, not guessed at. */
export function parseStoredSpec(text: string | null | undefined): OutputSpec | null {
  if (!text) return null;
  const v = JSON.parse(text) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`stored output profile is not an object: ${text.slice(0, 80)}`);
  return v as OutputSpec;
}

/** "1280x720 29.97 fps 2500 kb/s libx264 veryfast", for logs and warnings. */
export function describeProfile(p: OutputProfile): string {
  const fps = p.fpsDen === 1 ? String(p.fpsNum) : (p.fpsNum / p.fpsDen).toFixed(3).replace(/0+$/, '');
  const rate = p.crf !== undefined ? `crf ${p.crf}` : `${p.videoBitrateKbps} kb/s`;
  return `${p.width}x${p.height} ${fps} fps ${rate} ${p.encoder ?? 'libx264'}${(p.encoder ?? 'libx264') === 'libx264' ? ` ${p.preset ?? 'veryfast'}` : ''}`;
}
