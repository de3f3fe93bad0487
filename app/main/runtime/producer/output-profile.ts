/** The single format a channel emits; every segment is normalised to it. */
export interface OutputProfile {
  width: number;
  height: number;
  /** Frame rate as a rational, e.g. 30/1 or 30000/1001. */
  fpsNum: number;
  fpsDen: number;
  audioSampleRate: number; // 48000
  audioChannels: number; // 2
  videoBitrateKbps: number;
  audioBitrateKbps: number;
  /** Keyframe interval in seconds (≤ 2). */
  gopSeconds: number;
  /** Rate control: constant quality instead of the bitrate (still capped by maxrate). */
  crf?: number;
  /** Peak rate (default: the bitrate) and the VBV buffer (default: twice the peak). */
  maxrateKbps?: number;
  bufsizeKbps?: number;
  /** libx264 preset (default veryfast). */
  preset?: X264Preset;
  /** Video encoder (default libx264, in software). */
  encoder?: VideoEncoder;
}

export type X264Preset = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';
export type VideoEncoder = 'libx264' | 'h264_nvenc' | 'h264_vaapi' | 'h264_qsv';

export const DEFAULT_PROFILE: OutputProfile = {
  width: 1280,
  height: 720,
  fpsNum: 30,
  fpsDen: 1,
  audioSampleRate: 48_000,
  audioChannels: 2,
  videoBitrateKbps: 2500,
  audioBitrateKbps: 128,
  gopSeconds: 1,
};
