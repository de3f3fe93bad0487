/**
 * Turns one channel's air evidence into as-run entries: an entry opens at the frame a
 * segment reached the screen and closes at the frame the next one did (or the channel
 * left the air), so its length is a frame count. Pure: the plan lookup and the clock
 * come in as arguments; persistence is someone else's (asrun-store.ts).
 */
import path from 'node:path';
import type { AsRunEntryDto, ProducerKind } from '../../shared/types.ts';
import { redactPaths } from '../monitoring/log-tail.ts';
import type { AirEvidence, AirMark } from '../runtime/air-evidence.ts';
import type { PlaylogEvent } from '../schedule/types.ts';

/** An entry as the recorder holds it until it is written (stationMs times). */
export interface AsRunRecord {
  /** Row id once stored. */
  rowId?: number;
  channel: number;
  eventId: string | null;
  assetId: number | null;
  title: string;
  kind: AsRunEntryDto['kind'];
  producer: ProducerKind | null;
  plannedStartMs: number | null;
  plannedEndMs: number | null;
  actualStartMs: number;
  actualEndMs: number | null;
  inPointMs: number;
  frames: number;
  deviation: string | null;
  status: 'open' | 'closed';
}

/** Padding beyond this many frames in one entry is a deviation worth reporting (half a second at 25–30 fps). */
export const LATE_PADDING_FRAMES = 15;

interface OpenState {
  record: AsRunRecord;
  startFrame: number;
  paddedAtStart: number;
}

export class AsRunRecorder {
  private open: OpenState | null = null;
  private producer: ProducerKind | null = null;
  private detail: string | null = null;
  private fps = { num: 30, den: 1 };
  private readonly pendingFaults = new Map<string, string>();

  constructor(
    readonly channel: number,
    /** The planned event `eventId` airing at `stationMs`, or null (a generated card). */
    private readonly plannedEvent: (eventId: string, stationMs: number) => PlaylogEvent | null,
    /** Receives every entry that changed (opened, amended or closed). */
    private readonly changed: (r: AsRunRecord) => void,
  ) {}

  /** The entry on air now, if any. */
  current(): AsRunRecord | null {
    return this.open?.record ?? null;
  }

  /** Frames per second of the output this recorder follows. */
  framesFor(ms: number): number {
    return Math.round((ms * this.fps.num) / (1000 * this.fps.den));
  }

  record(e: AirEvidence): void {
    switch (e.type) {
      case 'on-air':
        this.fps = { num: e.fpsNum, den: e.fpsDen };
        this.close(e);
        this.producer = e.kind;
        this.detail = e.detail;
        this.marker(e, 'on-air', 'On the air', null);
        return;
      case 'off-air': {
        this.close(e);
        const abnormal = /^(failed|did not start)/.test(e.reason);
        this.marker(e, 'off-air', `Off the air (${e.reason})`, abnormal ? e.reason : null);
        this.producer = null;
        this.pendingFaults.clear();
        return;
      }
      case 'cut':
        // A segment of the new producer announced on the cut frame already opened its entry.
        if (this.open && this.open.startFrame < e.frame) this.close(e);
        this.producer = e.kind;
        this.detail = e.detail;
        return;
      case 'segment':
        this.segment(e);
        return;
      case 'media-fault': {
        // The log is read on the LAN: the file's name, never the station's folders.
        const text = `media cannot be played (${path.basename(e.file)}: ${redactPaths(e.reason)}); aired the error slate`;
        if (this.open?.record.eventId === e.eventId) {
          this.amend(text);
          this.open.record.producer = 'slate';
          this.changed(this.open.record);
        } else this.pendingFaults.set(e.eventId, text);
        return;
      }
      case 'decoder-restart':
        if (this.open?.record.eventId === e.eventId) this.amend(`decoder restarted (${redactPaths(e.reason)})`);
        return;
      case 'encoder-restart':
        this.amend(`encoder restarted (${redactPaths(e.reason)})`);
        return;
    }
  }

  private segment(e: AirMark & { kind: ProducerKind; eventId: string; title: string }): void {
    const planned = this.plannedEvent(e.eventId, e.stationMs);
    const open = this.open?.record;
    if (planned) {
      if (open && open.eventId === e.eventId && open.producer === e.kind) return;
      this.close(e);
      const fault = this.pendingFaults.get(e.eventId) ?? null;
      this.pendingFaults.delete(e.eventId);
      const crawl = e.kind === 'emergency' ? this.detail ?? 'emergency crawl' : null;
      this.start(e, {
        eventId: planned.id, assetId: planned.assetId, title: planned.title, kind: planned.kind,
        producer: fault ? 'slate' : e.kind,
        plannedStartMs: planned.startMs, plannedEndMs: planned.endMs,
        inPointMs: planned.inPointMs + Math.max(0, e.stationMs - planned.startMs),
        deviation: [crawl, fault].filter(Boolean).join('; ') || null,
      });
      return;
    }
    // A generated card (emergency, guide, slate) comes in one-minute pieces: one entry for the run.
    if (open && open.eventId === null && open.producer === e.kind) return;
    this.close(e);
    const kind: AsRunRecord['kind'] = e.kind === 'asset' ? 'filler' : e.kind;
    this.start(e, { eventId: null, assetId: null, title: e.title, kind, producer: e.kind, plannedStartMs: null, plannedEndMs: null, inPointMs: 0, deviation: this.detail });
  }

  private start(m: AirMark, r: Pick<AsRunRecord, 'eventId' | 'assetId' | 'title' | 'kind' | 'producer' | 'plannedStartMs' | 'plannedEndMs' | 'inPointMs' | 'deviation'>): void {
    const record: AsRunRecord = { channel: this.channel, ...r, actualStartMs: m.stationMs, actualEndMs: null, frames: 0, status: 'open' };
    this.open = { record, startFrame: m.frame, paddedAtStart: m.paddedFrames };
    this.changed(record);
  }

  private close(m: AirMark): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    const r = o.record;
    r.actualEndMs = m.stationMs;
    r.frames = Math.max(0, m.frame - o.startFrame);
    r.status = 'closed';
    const padded = m.paddedFrames - o.paddedAtStart;
    if (padded > LATE_PADDING_FRAMES) r.deviation = join(r.deviation, `late source: ${padded} frames padded or held`);
    this.changed(r);
  }

  private amend(text: string): void {
    const o = this.open;
    if (!o) return;
    o.record.deviation = join(o.record.deviation, text);
    this.changed(o.record);
  }

  private marker(m: AirMark, kind: 'on-air' | 'off-air', title: string, deviation: string | null): void {
    this.changed({
      channel: this.channel, eventId: null, assetId: null, title, kind, producer: this.producer,
      plannedStartMs: null, plannedEndMs: null, actualStartMs: m.stationMs, actualEndMs: m.stationMs, inPointMs: 0, frames: 0, deviation, status: 'closed',
    });
  }
}

function join(a: string | null, b: string): string {
  return a ? `${a}; ${b}` : b;
}
