/**
 * A FrameSource that plays a queue of segments placed at absolute station time: one
 * disposable decoder (or generator) per segment, started ahead of its boundary, and a
 * frame composer that gives every segment exactly its frames and samples.
 *
 * Faults stay inside the slot that has them:
 * - a decoder that dies after delivering frames is restarted at the current position;
 * - media that cannot be played at all (missing, corrupt) airs the error slate for the
 *   rest of its slot, and is reported with the file name;
 * - a decoder that is late past a frame's deadline gets that frame held (its own late
 *   frame is dropped), so the channel keeps wall-clock time.
 * In `strict` mode (generated producers) a source that cannot start is a failure of the
 * whole source instead, so a swap to it is refused and the channel stays as it was.
 */
import type { PlayoutSegment } from '../runtime/producer/producer.ts';
import { buildDecoderArgs, buildSlateArgs } from './decoder-args.ts';
import type { OutputFrame } from './frame-sink.ts';
import type { FrameSource, SourceContext } from './frame-source.ts';
import { buildGeneratorArgs, isAnimated } from './generator-args.ts';
import { SegmentDecoder } from './segment-decoder.ts';
import { findCaptionFont } from './caption-font.ts';
import { renderOverlays, type OverlayRender } from './overlay-filter.ts';
import { createTextFile, type TextFile } from './text-file.ts';

export interface SegmentPlayerOptions {
  /** Before a boundary, let the current decoder finish and start the next one this early. */
  prerollMs?: number;
  /** Start the next decoder at this distance from the boundary even if the current one still runs. */
  minPrerollMs?: number;
  /** Decoder buffer high-water mark in frames. */
  bufferFrames?: number;
  /** Font for captions and cards; null draws none. Default: the shipped font. */
  fontFile?: string | null;
  /** A source that cannot start fails the whole player (generated producers). */
  strict?: boolean;
  /** Restarts of a dying decoder within one slot before it airs the error slate. */
  decoderRestarts?: number;
  /** A filter drawn over every picture, given the overlay's age at the decoder's first frame (s). */
  overlay?: (ageSeconds: number) => string;
  /** Station time the overlay started (its age is counted from here). */
  overlayStartMs?: number;
  /** Called when fewer than `lowWaterMs` of segments are queued: more segments (self-extending producers). */
  extend?: (fromMs: number) => PlayoutSegment[];
  lowWaterMs?: number;
}

interface Slot {
  seg: PlayoutSegment;
  /** The frame the segment's start falls on (before `first` when joined mid-segment; may be negative). */
  origin: number;
  first: number;
  end: number;
  decoder: SegmentDecoder | null;
  decoderStarted: boolean;
  /** Why the media could not play: the slot airs the error slate. */
  fault: string | null;
  restarts: number;
  lastFrame: Buffer | null;
  lateFrames: number;
  aired: boolean;
  /** The decoder renders one picture that is held for the whole slot (slates, cards). */
  still: boolean;
  /** Where the current decoder started (segment-relative frame and audio byte). */
  decoderFrom: { frame: number; audio: number };
  /** Files holding this slot's overlay text (removed with the slot). */
  textFiles: TextFile[];
  /** Branding is left off: a decoder with it failed before its first frame (a bad logo must not take the programme off). */
  plain: boolean;
  /** The current decoder draws branding. */
  branded: boolean;
}

let players = 0;

export class SegmentPlayer implements FrameSource {
  /** Tells this player's health conditions from another's over the same events. */
  private readonly uid = ++players;
  private ctx: SourceContext | null = null;
  private slots: Slot[] = [];
  private pending: PlayoutSegment[] = [];
  private fromFrame = 0;
  private queuedUntil = 0;
  private readonly dying = new Set<SegmentDecoder>();
  private fatal: string | null = null;
  private underrun = false;
  private stopped = false;
  private readonly opts: Required<Pick<SegmentPlayerOptions, 'prerollMs' | 'minPrerollMs' | 'decoderRestarts' | 'lowWaterMs'>> & SegmentPlayerOptions;
  private readonly fontFile: string | null;
  /** A decoder failed with branding and ran without it: the branding itself is bad, so later slots go without it. */
  private brandingBroken = false;
  /** Counters the output adds to its own. */
  readonly counters = { lateFrames: 0, paddedFrames: 0, underrunFrames: 0, decodersSpawned: 0, decoderRestarts: 0 };

  constructor(segments: PlayoutSegment[], opts: SegmentPlayerOptions = {}) {
    const prerollMs = opts.prerollMs ?? 1500;
    this.opts = { ...opts, prerollMs, minPrerollMs: Math.min(opts.minPrerollMs ?? 600, prerollMs), decoderRestarts: opts.decoderRestarts ?? 3, lowWaterMs: opts.lowWaterMs ?? 30_000 };
    this.fontFile = opts.fontFile === undefined ? findCaptionFont() : opts.fontFile;
    this.pending = [...segments];
  }

  attach(ctx: SourceContext, fromFrame: number): void {
    if (this.ctx) throw new Error('a segment player feeds one output');
    this.ctx = ctx;
    this.fromFrame = fromFrame;
    this.append(this.pending.splice(0));
    this.extendIfLow(fromFrame);
    // The first decoder starts at once, so its start-up overlaps whatever else is starting.
    const head = this.slotFor(fromFrame) ?? this.slots[0];
    if (head) this.startDecoder(head, fromFrame);
  }

  /** Append contiguous segments. Overlaps are trimmed; gaps air black (an underrun). */
  enqueue(segments: PlayoutSegment[]): void {
    if (this.stopped) return;
    if (!this.ctx) this.pending.push(...segments);
    else {
      this.append(segments);
      this.ctx.wake();
    }
  }

  queuedUntilMs(): number {
    return Math.max(this.queuedUntil, ...this.pending.map((s) => s.endMs));
  }

  /** eventId of the slot at frame n (what this source puts out there). */
  eventAt(n: number): string | null {
    return this.slotFor(n)?.seg.eventId ?? null;
  }

  failure(): string | null {
    return this.fatal;
  }

  pids(): number[] {
    const pids: number[] = [];
    for (const s of this.slots) if (s.decoder?.alive && s.decoder.pid !== undefined) pids.push(s.decoder.pid);
    for (const d of this.dying) if (d.alive && d.pid !== undefined) pids.push(d.pid);
    return pids;
  }

  /** Pid of the decoder serving frame n, if it is running. */
  decoderPidAt(n: number): number | undefined {
    const d = this.slotFor(n)?.decoder;
    return d?.alive ? d.pid : undefined;
  }

  ready(n: number): boolean {
    const slot = this.slotFor(n);
    if (!slot) return this.slots.length === 0 || this.slots[0]!.first > n;
    if (!slot.decoderStarted) this.startDecoder(slot, n);
    const before = slot.decoder;
    if (!before) return true;
    this.checkFault(slot, n);
    const d = slot.decoder;
    // A decoder that failed was just replaced (restarted, or the error slate): ask again once
    // the new one has frames. The slate decoder itself is judged like any other.
    if (d !== before) return !d;
    const k = n - slot.first;
    this.takeStill(slot, d);
    d.skipFramesTo(k);
    const tl = this.ctx!.timeline;
    d.skipAudioTo((tl.sampleIndexAt(n) - tl.sampleIndexAt(slot.first)) * this.bytesPerSample());
    const video = !d.hasVideo || (d.videoIndex === k && d.framesAvailable() > 0) || ((d.videoEnded || slot.still) && !!slot.lastFrame);
    const audio = !d.hasAudio || d.audioAvailable() > 0 || d.audioEnded;
    return video && audio;
  }

  waitingFor(n: number): string {
    const slot = this.slotFor(n);
    if (!slot) return `no segment for this frame (${this.slots.length} queued, first at frame ${this.slots[0]?.first ?? '-'})`;
    const d = slot.decoder;
    const what = `${slot.seg.title}, segment frame ${n - slot.first} of ${slot.end - slot.first}`;
    if (!d) return `${what}: no decoder${slot.decoderStarted ? '' : ' started'}`;
    const v = d.hasVideo ? `video at ${d.videoIndex} with ${d.framesAvailable()} buffered${d.videoEnded ? ', ended' : ''}${slot.lastFrame ? '' : ', no picture yet'}` : 'no video';
    const a = d.hasAudio ? `audio ${d.audioAvailable()} bytes buffered${d.audioEnded ? ', ended' : ''}` : 'no audio';
    return `${what}: decoder ${d.alive ? `pid ${d.pid} running` : `exited${d.failure ? ` (${d.failure})` : ''}`}, ${v}, ${a}`;
  }

  prepare(n: number, now: number): void {
    this.retire(n);
    this.extendIfLow(n);
    const slot = this.slotFor(n);
    if (slot && !slot.decoderStarted) this.startDecoder(slot, n);
    const idx = slot ? this.slots.indexOf(slot) : -1;
    const next = this.slots[idx + 1];
    // A prerolled decoder that has already failed (a file gone, garbage) gets its retry or
    // its error slate now, so the boundary frame is ready instead of held while one starts.
    if (next?.decoder && !this.opts.strict) this.checkFault(next, next.first);
    if (!next || next.decoderStarted) return;
    const toBoundary = this.ctx!.frameDue(next.first) - now;
    const cur = slot?.decoder ?? null;
    if (cur && toBoundary <= this.opts.prerollMs) cur.setUnlimited();
    const curBusy = !!cur && cur.alive;
    if ((!curBusy && toBoundary <= this.opts.prerollMs) || toBoundary <= this.opts.minPrerollMs) this.startDecoder(next, next.first);
  }

  frame(n: number, late: boolean): OutputFrame | null {
    const ctx = this.ctx!;
    const slot = this.slotFor(n);
    if (!slot) return this.underrunFrame(n);
    if (this.underrun) {
      this.underrun = false;
      ctx.condition('underrun', null, n);
    }
    const f = this.compose(slot, n, late);
    if (f && !slot.aired) {
      slot.aired = true;
      ctx.segment({ eventId: slot.seg.eventId, title: slot.seg.title, frame: n });
    }
    return f;
  }

  stop(): Promise<void> {
    this.stopped = true;
    const kills: Promise<unknown>[] = [];
    for (const s of this.slots) if (s.decoder) kills.push(s.decoder.kill());
    for (const d of this.dying) kills.push(d.kill());
    const slots = [...this.slots];
    void Promise.all(kills).then(() => slots.forEach((s) => this.removeTextFiles(s)));
    for (const s of this.slots) this.ctx?.condition(`slot:${this.uid}:${s.seg.eventId}`, null, 0);
    return Promise.all(kills).then(() => undefined);
  }

  // ---------------------------------------------------------------- internals

  private bytesPerSample(): number {
    return 2 * this.ctx!.profile.audioChannels;
  }

  private append(segments: PlayoutSegment[]): void {
    const tl = this.ctx!.timeline;
    for (const seg of segments) {
      if (!(seg.endMs > seg.startMs)) continue;
      const range = { first: tl.frameIndexAt(seg.startMs), end: tl.frameIndexAt(seg.endMs) };
      const prevEnd = this.slots.length ? this.slots[this.slots.length - 1]!.end : this.fromFrame;
      const first = Math.max(range.first, prevEnd, this.fromFrame);
      if (range.end <= first) continue;
      this.slots.push({ seg, origin: range.first, first, end: range.end, decoder: null, decoderStarted: false, fault: null, restarts: 0, lastFrame: null, lateFrames: 0, aired: false, still: false, decoderFrom: { frame: 0, audio: 0 }, textFiles: [], plain: false, branded: false });
      this.queuedUntil = Math.max(this.queuedUntil, seg.endMs);
    }
  }

  private extendIfLow(n: number): void {
    if (!this.opts.extend || this.stopped) return;
    const tl = this.ctx!.timeline;
    const until = this.queuedUntil || tl.frameTimeMs(n);
    if (until - tl.frameTimeMs(n) >= this.opts.lowWaterMs) return;
    this.append(this.opts.extend(until));
  }

  private slotFor(n: number): Slot | null {
    for (const s of this.slots) {
      if (s.first > n) return null;
      if (n < s.end) return s;
    }
    return null;
  }

  private retire(n: number): void {
    while (this.slots.length && this.slots[0]!.end <= n) {
      const s = this.slots.shift()!;
      if (s.decoder) this.retireDecoder(s.decoder);
      this.removeTextFiles(s);
      this.ctx!.condition(`slot:${this.uid}:${s.seg.eventId}`, null, n);
    }
  }

  /** End a decoder that is no longer needed, keeping it listed until it has exited. */
  private retireDecoder(d: SegmentDecoder): void {
    if (!d.alive) return;
    this.dying.add(d);
    void d.kill().then(() => this.dying.delete(d));
  }

  /** Start the slot's decoder so that its first frame is output frame `at`. */
  private startDecoder(slot: Slot, at: number): void {
    if (this.stopped) return;
    slot.decoderStarted = true;
    const ctx = this.ctx!;
    const tl = ctx.timeline;
    const profile = ctx.profile;
    const bps = this.bytesPerSample();
    const from = Math.max(at, slot.first);
    const frames = slot.end - from;
    const samples = tl.samplesBetween(from, slot.end);
    const common = {
      frameBytes: ctx.black.length,
      audioBytesPerFrame: Math.round((profile.audioSampleRate * profile.fpsDen * bps) / profile.fpsNum),
      highWaterFrames: this.opts.bufferFrames ?? 12,
      eventId: slot.seg.eventId,
      log: ctx.log,
      onActivity: () => ctx.wake(),
      binary: ctx.binaries.ffmpeg,
    };
    const fromMs = tl.frameTimeMs(from);
    const overlay = this.opts.overlay && this.fontFile ? this.opts.overlay((fromMs - (this.opts.overlayStartMs ?? fromMs)) / 1000) : undefined;
    const src = slot.seg.source;
    let decoder: SegmentDecoder | null = null;
    if (slot.fault) {
      decoder = new SegmentDecoder({ ...common, args: buildSlateArgs(profile, { caption: `${slot.seg.title}: we'll be right back`, fontFile: this.fontFile ?? undefined }), video: true, audio: false, source: 'slate' });
    } else if (src.type === 'generated' || (src.type === 'black' && overlay)) {
      const spec = src.type === 'generated' ? src.spec : { kind: 'black' as const };
      decoder = new SegmentDecoder({ ...common, args: buildGeneratorArgs(profile, { spec, fromMs, frames, samples, fontFile: this.fontFile, overlay }), video: true, audio: true, source: 'slate' });
    } else if (src.type === 'slate') {
      decoder = new SegmentDecoder({ ...common, args: buildSlateArgs(profile, { caption: src.caption, fontFile: this.fontFile ?? undefined }), video: true, audio: false, source: 'slate' });
    } else if (src.type === 'file' && (src.hasVideo || src.hasAudio)) {
      // The file position of this decoder's first frame: the segment's frame k is the file's
      // in-point plus k output frames, so a boundary between the output's frames (any
      // sub-frame phase) still starts on the file's first frame, and a join or restart
      // mid-segment lands on the frame that counting says.
      const seekMs = src.inPointMs + tl.frameOffsetMs(from - slot.origin);
      const brand = src.hasVideo ? this.branding(slot, from) : null;
      slot.branded = !!brand && (!!brand.logo || !!brand.chain);
      const drawn = [brand?.chain, overlay].filter((f): f is string => !!f).join(',') || undefined;
      decoder = new SegmentDecoder({
        ...common,
        args: buildDecoderArgs(profile, { path: src.path, seekMs, frames, samples, video: src.hasVideo, audio: src.hasAudio, overlay: src.hasVideo ? drawn : undefined, logo: brand?.logo ?? undefined, gainDb: src.gainDb }),
        video: src.hasVideo,
        audio: src.hasAudio,
        source: 'decoder',
      });
    }
    if (!decoder) return;
    slot.still = slot.fault !== null || src.type === 'slate' || (src.type === 'generated' && !isAnimated(src.spec, overlay));
    // Segment-relative positions of the new decoder's first frame and sample.
    decoder.videoIndex = from - slot.first;
    decoder.audioPos = (tl.sampleIndexAt(from) - tl.sampleIndexAt(slot.first)) * bps;
    slot.decoder = decoder;
    slot.decoderFrom = { frame: decoder.videoIndex, audio: decoder.audioPos };
    this.counters.decodersSpawned++;
    ctx.spawned({ role: src.type === 'file' && !slot.fault ? 'decoder' : src.type === 'generated' ? 'generator' : 'slate', pid: decoder.pid, eventId: slot.seg.eventId });
  }

  /** A decoder that died: restart it where it was, or give its slot the error slate. */
  private checkFault(slot: Slot, n: number): void {
    const d = slot.decoder;
    if (!d || !d.done) return;
    const failure = d.failure;
    if (!failure) return;
    const ctx = this.ctx!;
    const src = slot.seg.source;
    const delivered = d.videoIndex > slot.decoderFrom.frame || d.framesAvailable() > 0 || d.audioPos > slot.decoderFrom.audio;
    if (this.opts.strict && !slot.aired) {
      this.fatal ??= `${slot.seg.title}: ${failure}`;
      return;
    }
    slot.decoder = null;
    if (!delivered && slot.branded && !slot.plain && !slot.fault) {
      // The branding (a logo file gone bad) may be what failed: try the programme without it.
      slot.plain = true;
      ctx.log({ source: 'decoder', pid: d.pid ?? 0, text: `${slot.seg.title}: the decoder failed before its first frame with the branding (${failure}); trying without it` });
      this.startDecoder(slot, n);
      return;
    }
    if (delivered && slot.restarts < this.opts.decoderRestarts && !slot.fault) {
      slot.restarts++;
      this.counters.decoderRestarts++;
      ctx.condition(`slot:${this.uid}:${slot.seg.eventId}`, `${slot.seg.title}: decoder died (${failure}); restarted at the current position (${slot.restarts})`, n);
      ctx.decoderRestarted({ eventId: slot.seg.eventId, title: slot.seg.title, reason: failure });
      this.startDecoder(slot, n);
      return;
    }
    if (slot.fault) return; // the error slate itself failed: black for the rest of the slot
    slot.fault = failure;
    const path = src.type === 'file' ? src.path : src.type;
    ctx.mediaFault({ eventId: slot.seg.eventId, title: slot.seg.title, path, reason: failure });
    ctx.condition(`slot:${this.uid}:${slot.seg.eventId}`, `${slot.seg.title} (${path}) cannot be played: ${failure}; airing the error slate`, n);
    this.startDecoder(slot, n);
  }

  /** The slot's branding for a decoder whose first frame is output frame `from`. */
  private branding(slot: Slot, from: number): OverlayRender | null {
    const overlays = slot.seg.overlays;
    if (!overlays?.length || slot.plain || this.brandingBroken) return null;
    const tl = this.ctx!.timeline;
    this.removeTextFiles(slot);
    return renderOverlays(this.ctx!.profile, overlays, {
      fontFile: this.fontFile,
      offsetMs: tl.frameOffsetMs(from - slot.origin),
      stationMs: tl.frameTimeMs(from),
      textFile: (text) => {
        const f = createTextFile(text, { oneLine: true });
        slot.textFiles.push(f);
        return f.path;
      },
    });
  }

  private removeTextFiles(slot: Slot): void {
    for (const f of slot.textFiles.splice(0)) f.remove();
  }

  private underrunFrame(n: number): OutputFrame {
    const ctx = this.ctx!;
    if (!this.underrun) {
      this.underrun = true;
      ctx.condition('underrun', 'plan underrun: no segment queued, airing black', n);
    }
    this.counters.underrunFrames++;
    return { video: ctx.black, audio: ctx.silence(n) };
  }

  /** Frame n of `slot` with its audio, or null to wait for the decoder; `late` pads instead. */
  private compose(slot: Slot, n: number, late: boolean): OutputFrame | null {
    const ctx = this.ctx!;
    const tl = ctx.timeline;
    const k = n - slot.first;
    const audioFrom = (tl.sampleIndexAt(n) - tl.sampleIndexAt(slot.first)) * this.bytesPerSample();
    const silence = ctx.silence(n);
    const audioLen = silence.length;
    this.checkFault(slot, n);
    const d = slot.decoder;
    if (d) {
      this.takeStill(slot, d);
      d.skipFramesTo(k);
      d.skipAudioTo(audioFrom);
      const videoHas = !d.hasVideo || (d.videoIndex === k && d.framesAvailable() > 0) || d.videoEnded || (slot.still && !!slot.lastFrame);
      const audioHas = !d.hasAudio || (d.audioPos === audioFrom && d.audioAvailable() >= audioLen) || d.audioEnded;
      // Short of data: wait for more, or for the exit status, which decides between
      // holding the picture (a clean end) and a restart or the error slate (a failure).
      if (!(videoHas && audioHas) && !late) return null;
      // Every stream ended short of this frame: the exit status tells a clean end (hold the
      // picture) from a failure (restart or error slate), so wait for it briefly.
      if (!late && d.videoEnded && d.audioEnded && d.proc.exitStatus === null && this.short(d, k, audioFrom, audioLen)) return null;
    }

    let video: Buffer;
    if (slot.still && slot.lastFrame) {
      video = slot.lastFrame;
    } else if (d?.hasVideo && d.framesAvailable() > 0 && d.videoIndex === k) {
      video = d.takeFrame()!;
      slot.lastFrame = video;
      if (slot.plain && !this.brandingBroken && slot.seg.overlays?.length) {
        // It plays without the branding and did not with it: the branding is at fault.
        this.brandingBroken = true;
        ctx.condition(`branding:${this.uid}`, `the branding cannot be drawn (a bad logo image?); programmes air without it`, n);
      }
    } else if (d && d.hasVideo && !d.videoEnded) {
      // Late decoder: hold the last picture; its own frame for this slot is dropped when it arrives.
      video = slot.lastFrame ?? ctx.lastVideo() ?? ctx.black;
      this.counters.lateFrames++;
      slot.lateFrames++;
      const second = Math.max(1, Math.round(ctx.profile.fpsNum / ctx.profile.fpsDen));
      if (slot.lateFrames === second) ctx.condition(`slot:${this.uid}:${slot.seg.eventId}`, `${slot.seg.title}: source is late, holding picture`, n);
    } else {
      // Source shorter than its slot, a still, or no video: hold its last picture (or black).
      video = slot.lastFrame ?? ctx.black;
      if (slot.seg.source.type === 'file' && slot.seg.source.hasVideo && !slot.fault) this.counters.paddedFrames++;
    }

    let audio: Buffer;
    if (d?.hasAudio && d.audioPos === audioFrom && d.audioAvailable() > 0) {
      const got = d.takeAudio(audioLen);
      audio = got.length === audioLen ? got : Buffer.concat([got, silence.subarray(0, audioLen - got.length)], audioLen);
    } else {
      audio = silence;
    }
    return { video, audio };
  }

  /** A still's one picture is kept as the slot's picture rather than counted as frame k. */
  private takeStill(slot: Slot, d: SegmentDecoder): void {
    if (!slot.still || !d.hasVideo) return;
    const f = d.framesAvailable() > 0 ? d.takeFrame() : undefined;
    if (f) slot.lastFrame = f;
    // Keep the index in step so skipping never discards the picture.
    d.videoIndex = Number.MAX_SAFE_INTEGER;
  }

  private short(d: SegmentDecoder, k: number, audioFrom: number, audioLen: number): boolean {
    const videoShort = d.hasVideo && !(d.videoIndex === k && d.framesAvailable() > 0);
    const audioShort = d.hasAudio && !(d.audioPos === audioFrom && d.audioAvailable() >= audioLen);
    return videoShort || audioShort;
  }
}
