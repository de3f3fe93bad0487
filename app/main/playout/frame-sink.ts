/**
 * The pacer's seam: where finished output frames go. The channel's encoder process is
 * one FrameSink; a recording sink in tests is another, so pacing, padding and cuts
 * can be checked on a ManualClock without ffmpeg.
 */

/** One output frame: a yuv420p picture and exactly its share of s16le samples. */
export interface OutputFrame {
  video: Buffer;
  audio: Buffer;
}

export interface FrameSink {
  /** Take frame `n` of the output timeline; resolves when the sink can take more. */
  write(n: number, frame: OutputFrame): Promise<void>;
  /** False once the sink can take no more frames (its process died). */
  readonly accepting: boolean;
}
