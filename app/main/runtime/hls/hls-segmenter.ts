/**
 * Cuts a channel's live MPEG-TS (the output of its one encoder) into HLS segments at
 * keyframes, and writes the live sliding-window playlist. Nothing is re-encoded: each
 * segment is the encoder's own packets, led by the latest PAT and PMT so it decodes alone.
 * An encoder restart (the relay marks it with discontinuity_indicator) closes the segment
 * and flags the next one EXT-X-DISCONTINUITY; nowhere else is one claimed.
 */
import {
  PAT_PID, TS_PACKET_SIZE, TsPacketAligner, findPmtPid, findVideoStream, isKeyframeStart, packetPid, packetPusi, parsePmt, payloadOffset, type VideoCodec,
} from '../fanout/ts-packets.ts';

export interface HlsSegment {
  seq: number;
  /** Video PTS of the first frame (90 kHz, unwrapped). */
  startPts: number;
  durationMs: number;
  data: Buffer;
  /** The stream is discontinuous before this segment (new encoder). */
  discontinuity: boolean;
  /** Station time of the first frame, when known. */
  programDateMs: number | null;
}

export interface HlsSegmenterOptions {
  /**
   * Segment length to aim for; cuts land on the first keyframe at or after it. One GOP
   * (1 s) by default: a cold viewer's player can start after one second of picture, and
   * since every segment is as long as the first, its buffer never runs dry waiting for a
   * longer one (a short first segment followed by longer ones stalls every cold start).
   */
  targetMs?: number;
  /** The first segment's target (default: the same as the others, for the reason above). */
  firstTargetMs?: number;
  /** Segments listed in the playlist. */
  window?: number;
  /** Segments kept for clients a little behind the playlist. */
  keep?: number;
  /** Station time of a video PTS (from the output's frame timeline). */
  stationTimeOfPts?: (pts90k: number) => number | null;
  onSegment?: (s: HlsSegment) => void;
}

const PTS_WRAP = 2 ** 33;

/** PTS of the PES that starts in this packet, or null. */
export function pesPts(buf: Uint8Array, off: number): number | null {
  const p = off + payloadOffset(buf, off);
  if (p + 14 > off + TS_PACKET_SIZE || buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 1) return null;
  if ((buf[p + 7]! & 0x80) === 0) return null;
  const b = (i: number) => buf[p + 9 + i]!;
  return ((b(0) >> 1) & 0x07) * 2 ** 30 + ((b(1) << 7) | (b(2) >> 1)) * 2 ** 15 + ((b(3) << 7) | (b(4) >> 1));
}

function discontinuityFlag(buf: Uint8Array, off: number): boolean {
  const afc = (buf[off + 3]! >> 4) & 0x3;
  return (afc & 0x2) !== 0 && buf[off + 4]! > 0 && (buf[off + 5]! & 0x80) !== 0;
}

export class HlsSegmenter {
  private readonly opt: Required<Omit<HlsSegmenterOptions, 'stationTimeOfPts' | 'onSegment'>>;
  private readonly aligner = new TsPacketAligner();
  private pat: Buffer | null = null;
  private pmt: Buffer | null = null;
  private pmtPid: number | null = null;
  private video: { pid: number; codec: VideoCodec } | null = null;
  private current: { startPts: number; parts: Buffer[]; discontinuity: boolean } | null = null;
  private lastPts: number | null = null;
  private wrap = 0;
  private pendingDiscontinuity = false;
  private nextSeq = 0;
  private maxTargetS: number;
  private discontinuitySeq = 0;
  readonly segments: HlsSegment[] = [];

  constructor(private readonly opts: HlsSegmenterOptions = {}) {
    this.opt = { targetMs: opts.targetMs ?? 1000, firstTargetMs: opts.firstTargetMs ?? opts.targetMs ?? 1000, window: opts.window ?? 10, keep: opts.keep ?? 16 };
    this.maxTargetS = Math.ceil(this.opt.targetMs / 1000);
  }

  push(chunk: Buffer): void {
    for (const block of this.aligner.push(chunk)) {
      for (let off = 0; off + TS_PACKET_SIZE <= block.length; off += TS_PACKET_SIZE) this.packet(block.subarray(off, off + TS_PACKET_SIZE));
    }
  }

  segment(seq: number): HlsSegment | undefined {
    return this.segments.find((s) => s.seq === seq);
  }

  /** The live media playlist; `uri(seq)` names a segment. */
  playlist(uri: (seq: number) => string): string {
    const list = this.segments.slice(-this.opt.window);
    const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${this.maxTargetS}`, `#EXT-X-MEDIA-SEQUENCE:${list[0]?.seq ?? this.nextSeq}`];
    const before = this.segments.slice(0, this.segments.length - list.length).filter((s) => s.discontinuity).length;
    if (this.discontinuitySeq + before > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${this.discontinuitySeq + before}`);
    for (const s of list) {
      if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      if (s.programDateMs !== null) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateMs).toISOString()}`);
      lines.push(`#EXTINF:${(s.durationMs / 1000).toFixed(3)},`, uri(s.seq));
    }
    return lines.join('\n') + '\n';
  }

  private packet(p: Buffer): void {
    const pid = packetPid(p);
    if (discontinuityFlag(p, 0)) {
      // A new encoder: what follows restarts timestamps; end here and wait for its first keyframe.
      if (this.current) this.close(this.lastPts ?? this.current.startPts);
      this.pendingDiscontinuity = this.nextSeq > 0;
      this.lastPts = null;
      this.wrap = 0;
      return;
    }
    if (pid === PAT_PID && packetPusi(p)) {
      this.pat = Buffer.from(p);
      this.pmtPid = findPmtPid(p) ?? this.pmtPid;
    } else if (pid === this.pmtPid && packetPusi(p)) {
      this.pmt = Buffer.from(p);
      const v = parsePmt(p);
      const video = v ? findVideoStream(v) : null;
      if (video) this.video = { pid: video.pid, codec: video.codec };
    } else if (this.video && pid === this.video.pid && packetPusi(p)) {
      const raw = pesPts(p, 0);
      if (raw !== null) {
        const pts = this.unwrap(raw);
        if (isKeyframeStart(p, 0, this.video.pid, this.video.codec)) {
          const target = this.nextSeq === 0 ? this.opt.firstTargetMs : this.opt.targetMs;
          if (this.current && (pts - this.current.startPts) / 90 >= target - 1) this.close(pts);
          if (!this.current) this.open(pts);
        }
      }
    }
    if (this.current && pid !== PAT_PID && pid !== this.pmtPid) this.current.parts.push(Buffer.from(p));
  }

  private unwrap(raw: number): number {
    if (this.lastPts !== null && raw + this.wrap < this.lastPts - PTS_WRAP / 2) this.wrap += PTS_WRAP;
    this.lastPts = raw + this.wrap;
    return this.lastPts;
  }

  private open(pts: number): void {
    if (!this.pat || !this.pmt) return;
    this.current = { startPts: pts, parts: [this.pat, this.pmt], discontinuity: this.pendingDiscontinuity };
    this.pendingDiscontinuity = false;
  }

  private close(endPts: number): void {
    const c = this.current!;
    this.current = null;
    const durationMs = Math.max(1, (endPts - c.startPts) / 90);
    const seg: HlsSegment = {
      seq: this.nextSeq++, startPts: c.startPts, durationMs, data: Buffer.concat(c.parts), discontinuity: c.discontinuity,
      programDateMs: this.opts.stationTimeOfPts?.(c.startPts) ?? null,
    };
    this.maxTargetS = Math.max(this.maxTargetS, Math.round(durationMs / 1000));
    this.segments.push(seg);
    while (this.segments.length > this.opt.keep) {
      if (this.segments.shift()!.discontinuity) this.discontinuitySeq++;
    }
    this.opts.onSegment?.(seg);
  }
}
