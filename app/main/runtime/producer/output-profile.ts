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
}

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
