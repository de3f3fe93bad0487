/**
 * ScheduleService: keeps every channel's timeline built ahead and answers what is
 * on. Building (ScheduleDay → playlist → playlog) runs here and in the background
 * only; reads are pure lookups in memory, safe on the tune-in path.
 *
 * Stability: a stored day is rebuilt only when its inputs changed, and then only
 * after the locked window; blocks that start before `now + lockWindowMs` are kept
 * verbatim and the rest is rebuilt from the state they leave behind.
 */
import type { MasterClock } from '../clock/master-clock.ts';
import type { Db } from '../db/database.ts';
import { BUILDER_VERSION, buildDay, isComplete, type BuiltDayLive, type LiveState } from './builder.ts';
import { LoopTimeline } from './loop.ts';
import { sha256 } from './prng.ts';
import { LibraryIndex, resolvePlan, type ResolvedPlan } from './resolve.ts';
import {
  assetLookup,
  dayIssues,
  deleteDaysBefore,
  loadChannelBlocks,
  loadChannels,
  loadDayBlocks,
  loadDays,
  loadLibrary,
  loadPlan,
  loopTimeline,
  markDayInputs,
  parseState,
  persistPlaylog,
  saveDay,
  type ChannelRow,
  type DayRow,
} from './store.ts';
import { TimelineIndex } from './timeline-index.ts';
import { broadcastDateAt, dayFrame, formatDate, HOUR_MS, nextDate } from './time.ts';
import type { BuiltBlock, EpgEntry, OnAir, PlanIssue, PlaylogEvent, ScheduleState } from './types.ts';

const DAY_MS = 24 * HOUR_MS;

export interface ScheduleLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ScheduleServiceOptions {
  /** Days of EPG kept built ahead (at least 3 full days: default 4). */
  epgDays?: number;
  /** What starts within this much of now never changes (default 3 h, the playlog horizon). */
  lockWindowMs?: number;
  /** Playlog events stored ahead of now (default 6 h; never less than the lock window). */
  playlogHorizonMs?: number;
  /** How often the background roll runs (default 5 min). */
  rollIntervalMs?: number;
  /** Built days kept behind now, for the guide and as-run (default 2 days). */
  retentionMs?: number;
}

export interface ScheduleDeps {
  db: Db;
  clock: MasterClock;
  logger?: ScheduleLogger;
  options?: ScheduleServiceOptions;
}

export interface ChannelBuildSummary {
  channelNumber: number;
  planKind: 'loop' | 'schedule' | 'guide';
  /** Broadcast dates built (fully or after the locked part). */
  built: string[];
  /** Broadcast dates whose stored build stood. */
  kept: string[];
  /** End of the built timeline (epoch ms), null when nothing is built. */
  untilMs: number | null;
  issues: PlanIssue[];
}

export interface BuildSummary {
  atMs: number;
  channels: ChannelBuildSummary[];
}

export interface ChannelScheduleInfo {
  channelNumber: number;
  name: string;
  timezone: string;
  broadcastDayStart: string;
  gridMinutes: number;
  planKind: 'loop' | 'schedule' | 'guide';
}

interface Timeline {
  channel: ChannelRow;
  loop: LoopTimeline | null;
  index: TimelineIndex;
  /** Built blocks per broadcast date and content hash, reused by the next roll. */
  days: Map<string, BuiltBlock[]>;
}

const EMPTY_INDEX = new TimelineIndex([]);

export class ScheduleService {
  private readonly db: Db;
  private readonly clock: MasterClock;
  private readonly logger: ScheduleLogger | undefined;
  readonly epgDays: number;
  readonly lockWindowMs: number;
  readonly rollIntervalMs: number;
  readonly retentionMs: number;
  readonly playlogHorizonMs: number;
  private timelines = new Map<number, Timeline>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopTimer: (() => void) | null = null;

  constructor(deps: ScheduleDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.logger = deps.logger;
    const o = deps.options ?? {};
    this.epgDays = Math.max(1, o.epgDays ?? 4);
    this.lockWindowMs = Math.max(0, o.lockWindowMs ?? 3 * HOUR_MS);
    this.rollIntervalMs = Math.max(1000, o.rollIntervalMs ?? 5 * 60_000);
    this.retentionMs = Math.max(0, o.retentionMs ?? 2 * DAY_MS);
    this.playlogHorizonMs = Math.max(this.lockWindowMs, o.playlogHorizonMs ?? 6 * HOUR_MS, this.rollIntervalMs * 2);
  }

  // ------------------------------------------------------------------ lifecycle

  /** Build the horizon now, then keep rolling it forward on the clock. */
  async start(): Promise<BuildSummary> {
    const first = await this.buildHorizon();
    this.stopTimer ??= this.clock.every(this.rollIntervalMs, () => {
      this.buildHorizon().catch((err: unknown) => this.logger?.error({ err }, 'schedule roll failed'));
    });
    return first;
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  /** Forget cached timelines (after channels or plans were edited outside the service). */
  reload(): void {
    this.timelines.clear();
  }

  /**
   * Make sure every channel (or one) is built `days` ahead of now. Serialised:
   * concurrent calls run one after the other. Yields between days so playout
   * keeps the event loop.
   */
  buildHorizon(opts: { channelNumber?: number; days?: number } = {}): Promise<BuildSummary> {
    const run = this.queue.then(() => this.runBuild(opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runBuild(opts: { channelNumber?: number; days?: number }): Promise<BuildSummary> {
    const now = this.clock.nowMs();
    const days = opts.days ?? this.epgDays;
    const channels = loadChannels(this.db).filter((c) => opts.channelNumber === undefined || c.number === opts.channelNumber);
    if (opts.channelNumber !== undefined && channels.length === 0) throw new Error(`No channel ${opts.channelNumber}.`);
    const library = loadLibrary(this.db);
    const index = new LibraryIndex(library);
    const summary: BuildSummary = { atMs: now, channels: [] };
    for (const channel of channels) {
      if (channel.planKind === 'guide') {
        // The guide channel airs listings drawn at playout time: nothing to build.
        this.timelines.set(channel.number, { channel, loop: null, index: EMPTY_INDEX, days: new Map() });
        summary.channels.push({ channelNumber: channel.number, planKind: 'guide', built: [], kept: [], untilMs: Infinity, issues: [] });
        continue;
      }
      if (channel.planKind === 'loop') {
        const loop = loopTimeline(this.db, channel, library, now);
        this.timelines.set(channel.number, { channel, loop, index: EMPTY_INDEX, days: new Map() });
        summary.channels.push({
          channelNumber: channel.number,
          planKind: 'loop',
          built: [],
          kept: [],
          untilMs: loop.empty ? null : Infinity,
          issues: loop.empty ? [{ severity: 'error', code: 'empty_loop', message: `channel ${channel.number} loops a collection with nothing ready` }] : [],
        });
        continue;
      }
      summary.channels.push(await this.buildChannel(channel, index, now, days));
    }
    const known = new Set(loadChannels(this.db).map((c) => c.number));
    for (const n of [...this.timelines.keys()]) if (!known.has(n)) this.timelines.delete(n);
    for (const c of summary.channels) {
      const errors = c.issues.filter((i) => i.severity === 'error');
      if (errors.length) this.logger?.warn({ channel: c.channelNumber, issues: errors.map((i) => i.message) }, 'schedule plan has problems');
    }
    return summary;
  }

  private async buildChannel(channel: ChannelRow, library: LibraryIndex, now: number, days: number): Promise<ChannelBuildSummary> {
    const result: ChannelBuildSummary = { channelNumber: channel.number, planKind: 'schedule', built: [], kept: [], untilMs: null, issues: [] };
    const plan = loadPlan(this.db, channel);
    if (!plan) {
      result.issues.push({ severity: 'error', code: 'no_plan', message: `channel ${channel.number} is a schedule channel without a plan` });
      this.timelines.set(channel.number, { channel, loop: null, index: EMPTY_INDEX, days: new Map() });
      return result;
    }
    const resolved = resolvePlan(plan, library);
    result.issues.push(...resolved.issues);
    const tz = plan.timezone;
    const dsm = resolved.dayStartMinutes;
    const lockUntil = now + this.lockWindowMs;
    const playlogUntil = now + this.playlogHorizonMs;
    deleteDaysBefore(this.db, channel.id, now - this.retentionMs);
    const cached = this.timelines.get(channel.number);
    const dayBlocks = new Map<string, BuiltBlock[]>();
    const stored = loadDays(this.db, channel.id);
    const byDate = new Map(stored.map((d) => [d.broadcastDate, d]));
    const firstDate = broadcastDateAt(now, tz, dsm);
    const lastText = formatDate(broadcastDateAt(now + days * DAY_MS, tz, dsm));
    const firstText = formatDate(firstDate);
    const keyOf = (date: string, hash: string): string => `${date}|${hash}`;
    /** Stored blocks of a day with their events (a day stored without them yields incomplete blocks). */
    const asset = assetLookup(this.db);
    const storedBlocks = (d: DayRow): BuiltBlock[] => cached?.days.get(keyOf(d.broadcastDate, d.contentHash)) ?? loadDayBlocks(this.db, channel.number, d.id, asset);
    const completePrefix = (blocks: BuiltBlock[]): BuiltBlock[] => {
      const i = blocks.findIndex((b) => !isComplete(b));
      return i < 0 ? blocks : blocks.slice(0, i);
    };

    // Days before the horizon stay as they are; the latest one seeds the state.
    let prevHash = 'none';
    let prevState: () => ScheduleState = () => parseState(null);
    for (const d of stored) {
      if (d.broadcastDate >= firstText) break;
      prevHash = d.contentHash;
      prevState = () => parseState(d);
      const blocks = completePrefix(storedBlocks(d));
      if (blocks.length) dayBlocks.set(keyOf(d.broadcastDate, d.contentHash), blocks);
    }
    // The working state of the day just built, to carry into the next without a round trip.
    let prevLive: LiveState | null = null;
    let sinceYield = 0;
    let yieldedAt = this.clock.monotonicMs();
    for (let date = firstDate; formatDate(date) <= lastText; date = nextDate(date)) {
      const text = formatDate(date);
      const existing = byDate.get(text) ?? null;
      const inputHash = sha256(`${BUILDER_VERSION}|${resolved.hash}|${prevHash}|${text}|${channel.gridMinutes}|${channel.broadcastDayStart}|${tz}`);
      const frame = dayFrame(tz, date, dsm, resolved.gridMs);
      let built: BuiltDayLive | null = null;
      let blocks: BuiltBlock[] | null = null;
      let live: LiveState | null = null;
      if (existing) {
        const have = storedBlocks(existing);
        const sameInputs = existing.inputHash === inputHash;
        // Unchanged inputs: rebuild only what the stored day lacks. Changed: keep the locked part.
        let kept = completePrefix(have);
        if (!sameInputs) kept = kept.filter((b) => b.entry.startMs < lockUntil);
        if (sameInputs && kept.length === have.length) blocks = have;
        else {
          built = buildDay({ plan: resolved, frame, state: prevState(), kept, live: kept.length === 0 ? (prevLive ?? undefined) : undefined });
          if (built.contentHash === existing.contentHash) {
            blocks = built.blocks;
            live = built.live;
            built = null;
          }
        }
        if (blocks) {
          if (!sameInputs) markDayInputs(this.db, existing.id, inputHash);
          persistPlaylog(this.db, channel.id, existing.id, blocks, playlogUntil);
          result.kept.push(text);
          dayBlocks.set(keyOf(text, existing.contentHash), blocks);
          prevHash = existing.contentHash;
          prevState = () => parseState(existing);
          prevLive = live;
          for (const i of dayIssues(existing)) result.issues.push(i);
        }
      } else {
        built = buildDay({ plan: resolved, frame, state: prevState(), live: prevLive ?? undefined });
      }
      if (built) {
        saveDay(this.db, channel.id, built, inputHash, now, playlogUntil);
        // Later stored days were built on the old version of this one.
        for (const k of [...byDate.keys()]) if (k > text) byDate.delete(k);
        result.built.push(text);
        result.issues.push(...built.issues);
        dayBlocks.set(keyOf(text, built.contentHash), built.blocks);
        prevHash = built.contentHash;
        const after = built.stateAfter;
        prevState = () => after;
        prevLive = built.live;
      }
      // Let playout and HTTP run between days: after ~20 ms of work (or every few days on a manual clock).
      if (++sinceYield >= 8 || this.clock.monotonicMs() - yieldedAt >= 20) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sinceYield = 0;
        yieldedAt = this.clock.monotonicMs();
      }
    }
    const all = [...dayBlocks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).flatMap(([, b]) => b);
    const index = new TimelineIndex(all);
    this.timelines.set(channel.number, { channel, loop: null, index, days: dayBlocks });
    result.untilMs = index.untilMs;
    result.issues = dedupeIssues(result.issues);
    if (result.built.length) this.logger?.info({ channel: channel.number, built: result.built }, 'schedule built');
    return result;
  }

  // ------------------------------------------------------------------ reads

  private timeline(channelNumber: number): Timeline | null {
    const cached = this.timelines.get(channelNumber);
    if (cached) return cached;
    // First read after a restart: load what is stored (never build here).
    const channel = loadChannels(this.db).find((c) => c.number === channelNumber);
    if (!channel) return null;
    let t: Timeline;
    if (channel.planKind === 'guide') {
      t = { channel, loop: null, index: EMPTY_INDEX, days: new Map() };
    } else if (channel.planKind === 'loop') {
      t = { channel, loop: loopTimeline(this.db, channel, loadLibrary(this.db), this.clock.nowMs()), index: EMPTY_INDEX, days: new Map() };
    } else {
      const blocks = loadChannelBlocks(this.db, channel, this.clock.nowMs() - this.retentionMs);
      t = { channel, loop: null, index: new TimelineIndex(blocks), days: new Map() };
    }
    this.timelines.set(channelNumber, t);
    return t;
  }

  /** What channel `channelNumber` airs at `atMs`, and how far into it. */
  onAir(channelNumber: number, atMs: number): OnAir | null {
    const t = this.timeline(channelNumber);
    if (!t) return null;
    return t.loop ? t.loop.onAir(atMs) : t.index.onAir(atMs);
  }

  /** Events overlapping [fromMs, toMs), in order. */
  playlog(channelNumber: number, fromMs: number, toMs: number): PlaylogEvent[] {
    const t = this.timeline(channelNumber);
    if (!t) return [];
    return t.loop ? t.loop.events(fromMs, toMs) : t.index.playlog(fromMs, toMs);
  }

  /** Events from the one on air at `fromMs` through `fromMs + limitMs`: what the producer is fed next. */
  upcoming(channelNumber: number, fromMs: number, limitMs: number): PlaylogEvent[] {
    return this.playlog(channelNumber, fromMs, fromMs + Math.max(1, limitMs));
  }

  /** Guide entries overlapping [fromMs, toMs). */
  epg(channelNumber: number, fromMs: number, toMs: number): EpgEntry[] {
    const t = this.timeline(channelNumber);
    if (!t) return [];
    return t.loop ? t.loop.epg(fromMs, toMs) : t.index.epg(fromMs, toMs);
  }

  /** How far the channel's timeline is built (loop channels: forever). */
  horizon(channelNumber: number): { fromMs: number | null; untilMs: number | null } {
    const t = this.timeline(channelNumber);
    if (!t) return { fromMs: null, untilMs: null };
    if (t.loop) return t.loop.empty ? { fromMs: null, untilMs: null } : { fromMs: -Infinity, untilMs: Infinity };
    return { fromMs: t.index.fromMs, untilMs: t.index.untilMs };
  }

  channelInfo(channelNumber: number): ChannelScheduleInfo | null {
    const c = this.timeline(channelNumber)?.channel;
    if (!c) return null;
    return {
      channelNumber: c.number,
      name: c.name,
      timezone: c.timezone,
      broadcastDayStart: c.broadcastDayStart,
      gridMinutes: c.gridMinutes,
      planKind: c.planKind,
    };
  }

  /**
   * Problems with a channel's plan and its built days (overlapping zones, empty
   * pools, gaps), for the console and `schedule build`. Reads the database.
   */
  report(channelNumber: number): PlanIssue[] {
    const channel = loadChannels(this.db).find((c) => c.number === channelNumber);
    if (!channel) return [];
    if (channel.planKind === 'guide') return [];
    const library = loadLibrary(this.db);
    if (channel.planKind === 'loop') {
      return loopTimeline(this.db, channel, library, this.clock.nowMs()).empty
        ? [{ severity: 'error', code: 'empty_loop', message: `channel ${channel.number} loops a collection with nothing ready` }]
        : [];
    }
    const plan = loadPlan(this.db, channel);
    if (!plan) return [{ severity: 'error', code: 'no_plan', message: `channel ${channel.number} is a schedule channel without a plan` }];
    const issues = [...resolvePlan(plan, new LibraryIndex(library)).issues];
    const now = this.clock.nowMs();
    for (const d of loadDays(this.db, channel.id)) if (d.lastMs > now) issues.push(...dayIssues(d));
    return dedupeIssues(issues);
  }

  /** The resolved plan of a channel (for tools and tests). */
  resolvedPlan(channelNumber: number): ResolvedPlan | null {
    const channel = loadChannels(this.db).find((c) => c.number === channelNumber);
    const plan = channel ? loadPlan(this.db, channel) : null;
    return plan ? resolvePlan(plan, new LibraryIndex(loadLibrary(this.db))) : null;
  }
}

function dedupeIssues(issues: PlanIssue[]): PlanIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.code}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
