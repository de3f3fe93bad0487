/**
 * StationMonitor: the health of every channel and of the machine, sampled on a timer
 * from what the director, the outputs and the fanouts already count, plus /proc for the
 * cost of each ffmpeg. Restarts (with causes) and time on air come from air evidence.
 * Listeners get each new StationStatusDto (the console's push feed).
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { ChannelHealthDto, RestartDto, StationStatusDto } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import type { AirEvidence } from '../runtime/air-evidence.ts';
import type { ChannelSnapshot, ProgramDirector } from '../runtime/program-director.ts';
import { tailLines } from './log-tail.ts';
import { ProcessSampler } from './process-stats.ts';

export interface StationMonitorOptions {
  director: Pick<ProgramDirector, 'channelNumbers' | 'snapshot' | 'globalMode'>;
  clock: MasterClock;
  /** Where channel-N.log files are; null = no log tails. */
  logDir: string | null;
  /** Sampling period (ms). */
  everyMs?: number;
}

/** Totals that only grow, across every time a channel was on air (for /metrics counters). */
export interface ChannelTotals {
  framesProduced: number;
  framesLate: number;
  framesPadded: number;
  framesUnderrun: number;
  bytesOut: number;
  bytesDropped: number;
  encoderRestarts: number;
  decoderRestarts: number;
  timesOnAir: number;
  viewersDropped: number;
}

interface ChannelWatch {
  onAirSinceMs: number | null;
  restarts: RestartDto[];
  encoderRestarts: number;
  decoderRestarts: number;
  /** Totals of earlier times on air. */
  past: Omit<ChannelTotals, 'encoderRestarts' | 'decoderRestarts' | 'timesOnAir' | 'viewersDropped'>;
  timesOnAir: number;
  lastBytes: { bytes: number; atMono: number } | null;
  bitrateBps: number;
}

const RECENT_RESTARTS = 20;
const ZERO_PAST = { framesProduced: 0, framesLate: 0, framesPadded: 0, framesUnderrun: 0, bytesOut: 0, bytesDropped: 0 };

export class StationMonitor extends EventEmitter<{ status: [StationStatusDto] }> {
  private readonly watches = new Map<number, ChannelWatch>();
  private readonly sampler = new ProcessSampler();
  private processStats = new Map<number, { cpuPercent: number | null; rssBytes: number | null }>();
  private last: StationStatusDto | null = null;
  private stopTimer: (() => void) | null = null;

  constructor(private readonly opts: StationMonitorOptions) {
    super();
  }

  start(): void {
    this.stopTimer ??= this.opts.clock.every(this.opts.everyMs ?? 2000, () => this.emit('status', this.sample()));
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  /** Evidence from a channel's output (restarts, on/off air). */
  record(channel: number, e: AirEvidence): void {
    const w = this.watch(channel);
    const at = new Date(e.stationMs).toISOString();
    switch (e.type) {
      case 'on-air':
        w.onAirSinceMs = e.stationMs;
        w.timesOnAir++;
        w.lastBytes = null;
        return;
      case 'off-air': {
        // The output is still there while its end is announced: keep what it counted.
        const out = this.opts.director.snapshot(channel)?.output;
        if (out) {
          w.past.framesProduced += out.framesWritten;
          w.past.framesLate += out.lateFrames;
          w.past.framesPadded += out.paddedFrames;
          w.past.framesUnderrun += out.underrunFrames;
          w.past.bytesOut += out.outputBytes;
          w.past.bytesDropped += out.droppedOutputBytes;
        }
        w.onAirSinceMs = null;
        w.bitrateBps = 0;
        return;
      }
      case 'encoder-restart':
        w.encoderRestarts++;
        this.pushRestart(w, { at, what: 'encoder', cause: e.reason });
        return;
      case 'decoder-restart':
        w.decoderRestarts++;
        this.pushRestart(w, { at, what: 'decoder', cause: `${e.title}: ${e.reason}` });
        return;
      default:
        return;
    }
  }

  /** The latest reading (taken now if there is none yet). */
  status(): StationStatusDto {
    return this.last ?? this.sample();
  }

  /** One channel's health, fresh. */
  channelHealth(number: number): ChannelHealthDto | null {
    const snap = this.opts.director.snapshot(number);
    return snap ? this.health(snap, this.opts.clock.monotonicMs(), false) : null;
  }

  /** Totals for /metrics. */
  totals(number: number): ChannelTotals | null {
    const snap = this.opts.director.snapshot(number);
    if (!snap) return null;
    const w = this.watch(number);
    const o = snap.output;
    return {
      framesProduced: w.past.framesProduced + (o?.framesWritten ?? 0),
      framesLate: w.past.framesLate + (o?.lateFrames ?? 0),
      framesPadded: w.past.framesPadded + (o?.paddedFrames ?? 0),
      framesUnderrun: w.past.framesUnderrun + (o?.underrunFrames ?? 0),
      bytesOut: w.past.bytesOut + (o?.outputBytes ?? 0),
      bytesDropped: w.past.bytesDropped + (o?.droppedOutputBytes ?? 0),
      encoderRestarts: w.encoderRestarts,
      decoderRestarts: w.decoderRestarts,
      timesOnAir: w.timesOnAir,
      viewersDropped: snap.fanout.departures.lagging ?? 0,
    };
  }

  /** Take a reading now: process costs, bitrates, every channel. */
  sample(): StationStatusDto {
    const mono = this.opts.clock.monotonicMs();
    const snaps = this.opts.director.channelNumbers().map((n) => this.opts.director.snapshot(n)).filter((s): s is ChannelSnapshot => !!s);
    this.processStats = this.sampler.sample([process.pid, ...snaps.flatMap((s) => s.runtime.pids)], mono);
    const channels = snaps.map((s) => this.health(s, mono, true));
    const self = this.processStats.get(process.pid);
    this.last = {
      at: new Date(this.opts.clock.nowMs()).toISOString(),
      mode: this.opts.director.globalMode(),
      channelsOnAir: channels.filter((c) => c.onAirSince !== null).length,
      channels,
      system: {
        cpuPercent: this.sampler.systemCpuPercent(),
        memTotalBytes: os.totalmem(),
        memFreeBytes: os.freemem(),
        rssBytes: self?.rssBytes ?? process.memoryUsage().rss,
        load: os.loadavg().map((l) => Math.round(l * 100) / 100),
      },
    };
    return this.last;
  }

  private health(s: ChannelSnapshot, mono: number, advanceBitrate: boolean): ChannelHealthDto {
    const n = s.identity.number;
    const w = this.watch(n);
    const o = s.output;
    if (advanceBitrate && o) {
      if (w.lastBytes && mono > w.lastBytes.atMono) w.bitrateBps = Math.round(((o.outputBytes - w.lastBytes.bytes) * 8 * 1000) / (mono - w.lastBytes.atMono));
      w.lastBytes = { bytes: o.outputBytes, atMono: mono };
    }
    const tz = s.identity.timezone;
    const now = this.opts.clock.nowMs();
    const byId = new Map(s.fanout.viewers.map((v) => [v.id, v]));
    const onAir = w.onAirSinceMs !== null && s.runtime.producerStatus !== 'stopped';
    return {
      number: n,
      name: s.identity.name,
      enabled: s.identity.enabled,
      mode: s.spec.mode,
      producerStatus: s.runtime.producerStatus,
      producerKind: onAir ? s.runtime.producerKind : null,
      conditions: s.runtime.detail ? s.runtime.detail.split('; ').filter(Boolean) : [],
      onAirSince: onAir ? toIsoInZone(w.onAirSinceMs!, tz) : null,
      uptimeMs: onAir ? Math.max(0, now - w.onAirSinceMs!) : 0,
      restarts: { encoder: w.encoderRestarts, decoder: w.decoderRestarts, recent: [...w.restarts] },
      viewers: [...s.viewers].map(([id, v]) => {
        const f = byId.get(id);
        return { id, address: v.address, userAgent: v.userAgent, since: toIsoInZone(v.sinceMs, tz), bytesSent: f?.bytesOut ?? 0, backlogBytes: f?.backlogBytes ?? 0, lagMs: Math.round(f?.lagMs ?? 0) };
      }),
      viewersDropped: s.fanout.departures.lagging ?? 0,
      bitrateBps: onAir ? w.bitrateBps : 0,
      frames: { produced: o?.framesWritten ?? 0, late: o?.lateFrames ?? 0, padded: o?.paddedFrames ?? 0, underrun: o?.underrunFrames ?? 0 },
      bytes: { out: o?.outputBytes ?? 0, dropped: o?.droppedOutputBytes ?? 0 },
      processes: s.runtime.pids.map((pid) => {
        const p = this.processStats.get(pid);
        return { role: pid === s.runtime.encoderPid ? ('encoder' as const) : ('decoder' as const), pid, cpuPercent: p?.cpuPercent ?? null, rssBytes: p?.rssBytes ?? null };
      }),
      logTail: this.opts.logDir ? tailLines(path.join(this.opts.logDir, `channel-${n}.log`), 20) : [],
      nowPlaying: s.nowPlaying,
    };
  }

  private watch(n: number): ChannelWatch {
    let w = this.watches.get(n);
    if (!w) {
      w = { onAirSinceMs: null, restarts: [], encoderRestarts: 0, decoderRestarts: 0, past: { ...ZERO_PAST }, timesOnAir: 0, lastBytes: null, bitrateBps: 0 };
      this.watches.set(n, w);
    }
    return w;
  }

  private pushRestart(w: ChannelWatch, r: RestartDto): void {
    w.restarts.push(r);
    if (w.restarts.length > RECENT_RESTARTS) w.restarts.shift();
  }
}
