/**
 * Pure frame and sample counting for the output timeline.
 *
 * The application owns the timeline: output frame n airs at station time
 * t0Ms + n * fpsDen / fpsNum seconds, and carries exactly the audio samples whose
 * index falls between sampleIndexAt(n) and sampleIndexAt(n + 1). Everything is
 * integer counting from one origin, so segments tile without gaps and audio can
 * never drift from video, whatever the frame rate.
 */

export interface TimelineRate {
  fpsNum: number;
  fpsDen: number;
  sampleRate: number;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

export class FrameTimeline {
  readonly t0Ms: number;
  readonly fpsNum: number;
  readonly fpsDen: number;
  readonly sampleRate: number;
  /** samples per frame as the reduced fraction spfNum / spfDen (keeps products far below 2^53). */
  private readonly spfNum: number;
  private readonly spfDen: number;
  /** Largest samples-per-frame count any frame can get (for preallocating silence). */
  readonly maxSamplesPerFrame: number;

  constructor(t0Ms: number, rate: TimelineRate) {
    const { fpsNum, fpsDen, sampleRate } = rate;
    for (const [k, v] of Object.entries(rate)) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`FrameTimeline: ${k} must be a positive integer, got ${v}`);
    }
    if (!Number.isFinite(t0Ms)) throw new Error(`FrameTimeline: invalid origin ${t0Ms}`);
    this.t0Ms = t0Ms;
    this.fpsNum = fpsNum;
    this.fpsDen = fpsDen;
    this.sampleRate = sampleRate;
    const num = sampleRate * fpsDen;
    const g = gcd(num, fpsNum);
    this.spfNum = num / g;
    this.spfDen = fpsNum / g;
    this.maxSamplesPerFrame = Math.ceil(this.spfNum / this.spfDen);
  }

  /** Duration of one frame in ms (not rounded). */
  get frameMs(): number {
    return (1000 * this.fpsDen) / this.fpsNum;
  }

  /** Offset of frame n from the origin, in ms (not rounded). */
  frameOffsetMs(n: number): number {
    return (n * 1000 * this.fpsDen) / this.fpsNum;
  }

  /** Station time (ms) at which frame n airs. */
  frameTimeMs(n: number): number {
    return this.t0Ms + this.frameOffsetMs(n);
  }

  /** Index of the frame boundary nearest to station time `ms` (may be negative before the origin). */
  frameIndexAt(ms: number): number {
    return Math.round(((ms - this.t0Ms) * this.fpsNum) / (1000 * this.fpsDen));
  }

  /**
   * Frames [first, end) belonging to a segment [startMs, endMs). Contiguous segments
   * share their boundary index, so they tile the timeline exactly. Frames before the
   * origin are not emitted, so `first` is clamped at 0.
   */
  segmentFrames(startMs: number, endMs: number): { first: number; end: number } {
    const first = Math.max(0, this.frameIndexAt(startMs));
    const end = Math.max(first, this.frameIndexAt(endMs));
    return { first, end };
  }

  /** Cumulative audio samples emitted before frame n. */
  sampleIndexAt(n: number): number {
    return Math.floor((n * this.spfNum) / this.spfDen);
  }

  /** Audio samples carried by frame n. */
  samplesForFrame(n: number): number {
    return this.sampleIndexAt(n + 1) - this.sampleIndexAt(n);
  }

  /** Audio samples between frames [first, end). */
  samplesBetween(first: number, end: number): number {
    return this.sampleIndexAt(end) - this.sampleIndexAt(first);
  }
}

/** Bytes in one yuv420p frame. */
export function yuv420pFrameBytes(width: number, height: number): number {
  const chromaW = Math.ceil(width / 2);
  const chromaH = Math.ceil(height / 2);
  return width * height + 2 * chromaW * chromaH;
}

/** A black yuv420p frame (limited range: Y=16, U=V=128). */
export function blackYuv420pFrame(width: number, height: number): Buffer {
  const buf = Buffer.alloc(yuv420pFrameBytes(width, height), 128);
  buf.fill(16, 0, width * height);
  return buf;
}
