/**
 * ProgramDirector: master control. It holds one ChannelManager and one FanoutBuffer per
 * channel, owns the station's mode and the viewer side (tune-ins become fanout viewers).
 * It never spawns ffmpeg and never touches producers: ChannelManagers do that.
 *
 * A mode switch is one unit of work: every affected channel switches, or every channel
 * goes back to what it carried before and the state does not change. Each switch asked
 * for is logged (who, when in station time, why, outcome), and the state is stored so a
 * restarted station comes back in the same mode.
 */
import type { Writable } from 'node:stream';
import type { ChannelMode, ChannelStatusDto, ChannelSwitchResult, DirectorStateDto, ModeChangeDto, ModeRequest, ModeSpec, ModeSwitchResult } from '../../shared/types.ts';
import type { CrawlDto, CrawlRequest, OnAirItem } from '../../shared/types.ts';
import type { OutputStats } from '../playout/channel-output.ts';
import type { AirEvidence } from './air-evidence.ts';
import { ChannelManager, type ChannelIdentity, type ChannelManagerEvents, type ChannelManagerOptions, type ChannelRuntimeStatus } from './channel-manager.ts';
import { DirectorSaveError, isValidState, ModeRequestError, sameSpec, sameTarget, specForChannel, stateDto, validateModeRequest } from './director-mode.ts';
import { memoryDirectorStore, type DirectorState, type DirectorStore, type ModeChange, type StoredCrawl } from './director-store.ts';
import { FanoutBuffer, type FanoutStats } from './fanout/fanout-buffer.ts';
import type { GuidePlan } from './producer/producer.ts';

export { DirectorSaveError, ModeRequestError };

/** What the director needs of a channel's manager (ChannelManager; tests use fakes). */
export interface DirectedChannel extends Pick<ChannelManager, 'channel' | 'updateIdentity' | 'tuneIn' | 'tuneOut' | 'runtimeStatus' | 'nowPlaying' | 'shutdown'>, Partial<Pick<ChannelManager, 'outputStats' | 'outputCursor' | 'setCrawl'>> {
  on<K extends keyof ChannelManagerEvents>(event: K, listener: (...args: ChannelManagerEvents[K]) => void): unknown;
  /** Resolves once the channel carries `spec` (at once when off air); rejects if it could not switch. */
  setMode(spec: ModeSpec): Promise<void>;
  /** Restart the channel's output. */
  restart(): Promise<void>;
}

export type ChannelManagerFactory = (opts: ChannelManagerOptions) => DirectedChannel;

/** What every ChannelManager is built with (the director adds the channel), and where the mode is kept. */
export type ProgramDirectorOptions = Pick<ChannelManagerOptions, 'clock' | 'schedule' | 'profile' | 'videoEncoders' | 'playout' | 'logger' | 'lingerMs' | 'stationName' | 'defaultLogo'> & {
  /** Default: in memory (the mode is forgotten at exit). */
  store?: DirectorStore;
  /** Default: `new ChannelManager(opts)`. */
  createManager?: ChannelManagerFactory;
  /** Receives every channel's air evidence (the as-run log). */
  onAir?: (channel: number, evidence: AirEvidence) => void;
};

/** A viewer as the HTTP side described it at tune-in. */
export interface ViewerInfo {
  address: string;
  userAgent: string;
  /** Station time of the tune-in. */
  sinceMs: number;
}

/** Everything the director knows of one channel right now (monitoring reads this). */
export interface ChannelSnapshot {
  identity: Readonly<ChannelIdentity>;
  spec: ModeSpec;
  runtime: ChannelRuntimeStatus;
  output: OutputStats | null;
  fanout: FanoutStats;
  /** By fanout viewer id. */
  viewers: ReadonlyMap<string, ViewerInfo>;
  nowPlaying: OnAirItem | null;
}

interface ChannelSlot {
  manager: DirectedChannel;
  fanout: FanoutBuffer;
  /** What the director last had this channel carry. */
  spec: ModeSpec;
  /** The initial setMode of a new channel; tune-ins wait for it, so nobody sees the wrong mode. */
  ready: Promise<void>;
  viewers: Map<string, ViewerInfo>;
}

export class UnknownChannelError extends Error {}
export class ChannelDisabledError extends Error {}

const MAX_HISTORY = 500;
const GUIDE_HORIZON_MS = 3 * 3600_000;
const GUIDE_ITEMS = 3;

export class ProgramDirector {
  private readonly slots = new Map<number, ChannelSlot>();
  private readonly store: DirectorStore;
  private readonly createManager: ChannelManagerFactory;
  private current: DirectorState;
  /** Switches run one at a time, in the order asked. */
  private switching: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ProgramDirectorOptions) {
    this.store = opts.store ?? memoryDirectorStore();
    this.createManager = opts.createManager ?? ((o) => new ChannelManager(o));
    const stored = this.store.load();
    if (stored && !isValidState(stored)) opts.logger.error({ stored }, 'the stored director state is not valid; starting in normal mode');
    this.current = stored && isValidState(stored) ? stored : { mode: 'normal', message: null, style: null, channels: null, sinceMs: opts.clock.nowMs(), by: 'station', reason: null };
    if (this.current.mode !== 'normal') opts.logger.warn({ state: stateDto(this.current) }, `the station resumes in ${this.current.mode} mode`);
    // The operator's crawl comes back too, unless its time ran out while the station was down.
    const crawl = this.store.loadCrawl();
    if (crawl && (crawl.crawl.untilMs === null || crawl.crawl.untilMs > opts.clock.nowMs())) {
      this.crawlState = crawl;
      opts.logger.info({ crawl: crawl.crawl.text, channels: crawl.channels }, "the operator's crawl resumes");
    }
  }

  /** Add the channels the station defines (existing numbers are left alone); each starts in the current mode. */
  loadChannels(channels: ChannelIdentity[]): void {
    for (const ch of channels) {
      if (this.slots.has(ch.number)) continue;
      const manager = this.createManager({
        channel: ch, clock: this.opts.clock, schedule: this.opts.schedule, profile: this.opts.profile, videoEncoders: this.opts.videoEncoders,
        playout: this.opts.playout, logger: this.opts.logger, lingerMs: this.opts.lingerMs, stationName: this.opts.stationName,
        defaultLogo: this.opts.defaultLogo,
        guide: () => this.guidePlan(ch.timezone),
      });
      if (this.crawlState && (this.crawlState.channels === null || this.crawlState.channels.includes(ch.number))) void manager.setCrawl?.(this.crawlState.crawl);
      // Viewers stay connected across producer swaps; they resume at the next keyframe.
      const fanout = new FanoutBuffer(this.opts.clock, { label: `ch${ch.number}`, endViewersOnSourceEnd: false });
      manager.on('output', (stream) => fanout.attach(stream));
      manager.on('air', (e) => this.opts.onAir?.(ch.number, e));
      manager.on('outputEnding', () => fanout.detachSource());
      manager.on('failed', (err) => {
        this.opts.logger.error({ channel: ch.number, err: err.message }, 'channel failed; disconnecting its viewers');
        for (const v of fanout.stats().viewers) fanout.removeViewer(v.id, 'destroy');
      });
      const spec = specForChannel(this.current, ch.number);
      // Off air, so this takes effect at once: a channel added during an emergency goes on air in it.
      const ready = spec.mode === 'normal' ? Promise.resolve() : this.applyOffAir(manager, ch.number, spec);
      this.slots.set(ch.number, { manager, fanout, spec, ready, viewers: new Map() });
    }
  }

  private applyOffAir(manager: DirectedChannel, number: number, spec: ModeSpec): Promise<void> {
    return manager.setMode(spec).catch((err: unknown) => {
      this.opts.logger.error({ channel: number, mode: spec.mode, err }, 'a channel could not take the station mode before going on air');
    });
  }

  /** Every enabled channel's now and next, for the guide channel (times shown in `timezone`). */
  private guidePlan(timezone: string): GuidePlan {
    const from = this.opts.clock.nowMs();
    const to = from + GUIDE_HORIZON_MS;
    const listings = this.channels().filter((c) => c.enabled && c.planKind !== 'guide').map((c) => {
      const entries = this.opts.schedule.epg?.(c.number, from, to) ?? this.opts.schedule.playlog(c.number, from, to).filter((e) => e.kind === 'program');
      return { number: c.number, name: c.name, items: entries.slice(0, GUIDE_ITEMS).map((e) => ({ startMs: e.startMs, endMs: e.endMs, title: e.title })) };
    });
    return { stationName: this.opts.stationName ?? 'RetroVue', timezone, listings };
  }

  /**
   * Bring the running channels in line with the station's definitions: new channels are
   * added, changed ones updated (a disabled channel goes off the air), removed ones shut down.
   */
  async syncChannels(channels: ChannelIdentity[]): Promise<void> {
    const wanted = new Map(channels.map((c) => [c.number, c]));
    for (const [number, slot] of [...this.slots]) {
      const next = wanted.get(number);
      if (!next) {
        await slot.manager.shutdown();
        slot.fanout.close();
        this.slots.delete(number);
      } else if (next.name !== slot.manager.channel.name || next.enabled !== slot.manager.channel.enabled || next.timezone !== slot.manager.channel.timezone || next.planKind !== slot.manager.channel.planKind || (next.outputProfile ?? null) !== (slot.manager.channel.outputProfile ?? null) || (next.branding ?? null) !== (slot.manager.channel.branding ?? null)) {
        if (!next.enabled) for (const v of slot.fanout.stats().viewers) slot.fanout.removeViewer(v.id, 'end');
        await slot.manager.updateIdentity(next);
      }
    }
    this.loadChannels(channels.filter((c) => !this.slots.has(c.number)));
  }

  channelNumbers(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }

  /** Each channel's definition, in number order. */
  channels(): Readonly<ChannelIdentity>[] {
    return this.channelNumbers().map((n) => (this.slots.get(n) as ChannelSlot).manager.channel);
  }

  manager(number: number): DirectedChannel | undefined {
    return this.slots.get(number)?.manager;
  }

  /** The station's mode (an emergency scoped to some channels is still an emergency). */
  globalMode(): ChannelMode {
    return this.current.mode;
  }

  /** The operator's crawl, if one runs. */
  crawl(): CrawlDto | null {
    const c = this.crawlState;
    if (!c) return null;
    if (c.crawl.untilMs !== null && this.opts.clock.nowMs() >= c.crawl.untilMs) return null;
    const iso = (ms: number) => new Date(ms).toISOString();
    return { text: c.crawl.text, channels: c.channels, since: iso(c.crawl.sinceMs), until: c.crawl.untilMs === null ? null : iso(c.crawl.untilMs), by: c.by };
  }

  /**
   * Start a crawl on the channels asked (all by default), replacing any crawl that runs;
   * null stops it. Channels on air show it (or drop it) at once.
   */
  async setCrawl(req: CrawlRequest | null, who: string): Promise<{ crawl: CrawlDto | null; refused: { number: number; error: string }[] }> {
    if (req) {
      const text = req.text.trim();
      if (!text) throw new ModeRequestError('text', 'a crawl needs some text');
      for (const n of req.channels ?? []) if (!this.slots.has(n)) throw new ModeRequestError('channels', `there is no channel ${n}`);
    }
    const now = this.opts.clock.nowMs();
    // A crawl that has run its time is already off every screen: ending it needs no cut.
    const prev = this.crawlState && (this.crawlState.crawl.untilMs === null || this.crawlState.crawl.untilMs > now) ? this.crawlState : null;
    // The id is unique across restarts: a channel re-cuts when the crawl it carries changes.
    const wanted: StoredCrawl | null = req
      ? { crawl: { id: `c${now}.${++this.crawlSeq}`, text: req.text.trim(), sinceMs: now, untilMs: req.minutes ? now + req.minutes * 60_000 : null }, channels: req.channels?.length ? [...new Set(req.channels)].sort((a, b) => a - b) : null, by: who }
      : null;
    // Stored first: a crawl a restart would lose is refused, and nothing on air changes.
    try {
      this.store.saveCrawl(wanted);
    } catch (err) {
      throw new DirectorSaveError(`the station could not save the crawl (${errorText(err)}); check the data directory's disk space and permissions`);
    }
    this.crawlState = wanted;
    this.opts.logger.info({ by: who, crawl: req ? { text: req.text, channels: req.channels ?? null, minutes: req.minutes ?? null } : null }, req ? 'crawl started' : 'crawl stopped');
    const on = (c: typeof prev, n: number) => !!c && (c.channels === null || c.channels.includes(n));
    const next = this.crawlState;
    const refused: { number: number; error: string }[] = [];
    await Promise.all([...this.slots].map(async ([n, s]) => {
      if (!on(next, n) && !on(prev, n)) return;
      try {
        await s.manager.setCrawl?.(on(next, n) ? next!.crawl : null);
      } catch (err) {
        // That channel keeps airing what it had; the answer says so.
        refused.push({ number: n, error: (err as Error).message });
        this.opts.logger.warn({ channel: n, err: (err as Error).message }, `channel ${n} could not ${next ? 'take' : 'drop'} the crawl`);
      }
    }));
    return { crawl: this.crawl(), refused: refused.sort((a, b) => a.number - b.number) };
  }

  private crawlState: StoredCrawl | null = null;
  private crawlSeq = 0;

  state(): DirectorStateDto {
    return stateDto(this.current);
  }

  /** The latest switches asked for, newest first. */
  history(limit = 50): ModeChangeDto[] {
    const n = Math.max(1, Math.min(MAX_HISTORY, Math.floor(limit) || 1));
    return this.store.history(n).map(({ atMs, ...c }) => ({ ...c, at: new Date(atMs).toISOString() }));
  }

  /**
   * Switch the station's mode as one unit of work. Throws ModeRequestError (nothing
   * tried, nothing logged) for an invalid request; otherwise answers whether every
   * affected channel switched, and if not, which failed and why (all are back as before).
   */
  setMode(req: ModeRequest, who: string): Promise<ModeSwitchResult> {
    const run = this.switching.then(() => this.switchNow(req, who));
    this.switching = run.catch(() => {});
    return run;
  }

  private async switchNow(req: ModeRequest, who: string): Promise<ModeSwitchResult> {
    const by = who.trim().slice(0, 200);
    if (!by) throw new ModeRequestError('who', 'A switch needs to say who asked for it.');
    const target = validateModeRequest(req, this.channelNumbers());
    const atMs = this.opts.clock.nowMs();
    const change: ModeChange = { ...target, atMs, by, ok: true, error: null };
    if (sameTarget(target, this.current)) {
      this.record({ ...change });
      return { ok: true, changed: false, state: this.state(), channels: [] };
    }
    const next: DirectorState = { ...target, sinceMs: atMs, by };
    const affected = [...this.slots].filter(([n, s]) => !sameSpec(s.spec, specForChannel(next, n)));
    const outcomes = await Promise.allSettled(affected.map(async ([n, s]) => {
      await s.ready;
      await s.manager.setMode(specForChannel(next, n));
    }));
    const channels: ChannelSwitchResult[] = affected.map(([number], i) => {
      const o = outcomes[i] as PromiseSettledResult<void>;
      return o.status === 'fulfilled' ? { number, ok: true } : { number, ok: false, error: errorText(o.reason) };
    });

    let error: string | null = null;
    const failed = channels.filter((c) => !c.ok);
    if (failed.length > 0) {
      error = failed.map((c) => `channel ${c.number} could not switch to ${target.mode}: ${c.error}`).join('; ');
    } else {
      try {
        this.store.save(next, change);
      } catch (err) {
        error = `the station could not save the new mode (${errorText(err)}); check the data directory's disk space and permissions`;
      }
    }
    if (error === null) {
      this.current = next;
      for (const [n, s] of affected) s.spec = specForChannel(next, n);
      // A channel added while the switch ran started in the old mode; it is off air, so this is immediate.
      for (const [n, s] of this.slots) {
        const spec = specForChannel(next, n);
        if (sameSpec(s.spec, spec)) continue;
        s.spec = spec;
        s.ready = s.ready.then(() => this.applyOffAir(s.manager, n, spec));
      }
      this.opts.logger.info({ state: stateDto(next) }, `station mode is now ${next.mode}`);
      return { ok: true, changed: true, state: this.state(), channels };
    }

    // Undo: every affected channel back to what it carried before.
    const undo = await Promise.allSettled(affected.map(([, s]) => s.manager.setMode(s.spec)));
    const stuck = affected.flatMap(([n], i) => {
      const u = undo[i];
      return u?.status === 'rejected' ? [`channel ${n}: ${errorText(u.reason)}`] : [];
    });
    error += `. Every channel is back in ${this.current.mode} mode.`;
    if (stuck.length > 0) error += ` These could not return and may be off air: ${stuck.join('; ')}; restart them.`;
    this.opts.logger.error({ request: target, by, error }, 'mode switch failed');
    this.record({ ...change, ok: false, error });
    return { ok: false, changed: false, state: this.state(), channels, error };
  }

  /** Log a switch; a failure to write is logged loudly but does not undo what is on air. */
  private record(change: ModeChange): void {
    try {
      this.store.record(change);
    } catch (err) {
      this.opts.logger.error({ change, err }, 'could not log a mode switch; check the data directory');
    }
  }

  /** Restart one channel's output (the operator's "kick it" button). */
  async restart(number: number, who: string): Promise<void> {
    const slot = this.slots.get(number);
    if (!slot) throw new UnknownChannelError(`There is no channel ${number}.`);
    this.opts.logger.info({ channel: number, by: who }, 'channel restart asked for');
    await slot.ready;
    await slot.manager.restart();
  }

  /**
   * Tune a viewer in: put the channel on air (if it is not), then attach `sink` to
   * its output. `onReady` runs once the channel is on air and before any byte is
   * written (e.g. to send HTTP headers). The viewer is tuned out when the sink closes.
   */
  async tune(number: number, sink: Writable, clientInfo: string, onReady?: () => void, viewer?: Omit<ViewerInfo, 'sinceMs'>): Promise<void> {
    const slot = this.slots.get(number);
    if (!slot) throw new UnknownChannelError(`There is no channel ${number}.`);
    if (!slot.manager.channel.enabled) throw new ChannelDisabledError(`Channel ${number} is disabled.`);
    await slot.ready;
    const session = await slot.manager.tuneIn(clientInfo);
    if (sink.destroyed) {
      slot.manager.tuneOut(session.id);
      return;
    }
    onReady?.();
    let id = '';
    id = slot.fanout.addViewer(sink, {
      onLeave: () => {
        slot.viewers.delete(id);
        slot.manager.tuneOut(session.id);
      },
    });
    if (slot.fanout.stats().viewers.some((v) => v.id === id)) {
      slot.viewers.set(id, { address: viewer?.address ?? clientInfo.split(' ')[0] ?? '', userAgent: viewer?.userAgent ?? '', sinceMs: this.opts.clock.nowMs() });
    }
  }

  /** Station time of the channel output's frame 0 and its frame rate, while on air. */
  outputCursor(number: number): { t0Ms: number; fpsNum: number; fpsDen: number; pts0: number } | null {
    return this.slots.get(number)?.manager.outputCursor?.() ?? null;
  }

  /** One channel as monitoring sees it, or null when there is no such channel. */
  snapshot(number: number): ChannelSnapshot | null {
    const slot = this.slots.get(number);
    if (!slot) return null;
    const m = slot.manager;
    return { identity: m.channel, spec: slot.spec, runtime: m.runtimeStatus(), output: m.outputStats?.() ?? null, fanout: slot.fanout.stats(), viewers: slot.viewers, nowPlaying: m.nowPlaying() };
  }

  statuses(streamUrl: (n: number) => string): ChannelStatusDto[] {
    return this.channelNumbers().map((n) => {
      const { manager, spec } = this.slots.get(n) as ChannelSlot;
      const rt = manager.runtimeStatus();
      return {
        uuid: manager.channel.uuid, number: n, name: manager.channel.name, enabled: manager.channel.enabled, mode: spec.mode,
        viewerCount: rt.viewerCount, producerStatus: rt.producerStatus, nowPlaying: manager.nowPlaying(), streamUrl: streamUrl(n),
      };
    });
  }

  /** Every live process id of every channel (ownership checks, benchmarks). */
  pids(): number[] {
    return [...this.slots.values()].flatMap((s) => s.manager.runtimeStatus().pids);
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.slots.values()].map((s) => s.manager.shutdown()));
    for (const s of this.slots.values()) s.fanout.close();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
