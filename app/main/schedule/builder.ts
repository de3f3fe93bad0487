/**
 * The timeline math: one broadcast day from a resolved plan and the state left by
 * the day before. Pure and deterministic: the same plan, library and prior state
 * always give the same blocks, events and hash.
 *
 * A day is a walk over grid blocks: each program takes the smallest whole number
 * of blocks that holds it, and the leftover is split among its breaks and filled
 * exactly to the boundary. Whatever runs past the day's end carries over.
 */
import { createHash } from 'node:crypto';
import { hashInts, mix } from './prng.ts';
import { Rotation, type PlayStat } from './rotation.ts';
import type { PoolEntry, ResolvedPlan, ResolvedZone, SeriesTrack } from './resolve.ts';
import { DAY_MINUTES, HOUR_MS, MINUTE_MS, type DayFrame } from './time.ts';
import type { BuiltBlock, BuiltDay, EpgEntry, EventKind, LibraryAsset, PlanIssue, PlaylogEvent, PoolRole, ScheduleState } from './types.ts';
import { POOL_ROLES } from './types.ts';

/** Bumped when the timeline math changes: stored days are then rebuilt after the locked window. */
export const BUILDER_VERSION = 3;

/** A break may carry the top-of-hour ID when it is this close to the hour. */
const STATION_ID_WINDOW_MS = 15 * MINUTE_MS;
/** Filler is not cut into pieces shorter than this; the rest is black. */
const MIN_FILLER_MS = 1000;
const NEVER: PlayStat = [0, -Infinity];
/**
 * How many from the front of a rotation compete, fewest plays first and seeded
 * among equals; never more than half the pool, so what just aired waits its turn.
 */
const FRONT = 8;

const TIGHT_FILL_ROLES: readonly PoolRole[] = ['commercial', 'promo', 'station_id'];

const ROLE_KIND: Record<PoolRole, EventKind> = {
  commercial: 'commercial',
  promo: 'promo',
  station_id: 'station_id',
  bumper_pre: 'bumper',
  bumper_post: 'bumper',
  filler: 'filler',
};

/**
 * Working form of ScheduleState: maps keyed by asset id, plus the rotations of the
 * day's pools, which every play keeps current.
 */
export class LiveState {
  series = new Map<string, { assetId: number; index: number; atMs: number }>();
  programs = new Map<number, PlayStat>();
  spots = new Map<number, PlayStat>();
  cursorMs: number | null = null;
  private readonly spotRotations = new Map<number, Rotation[]>();
  private readonly programRotations = new Map<number, Rotation[]>();
  private readonly rotations = new Map<string, Rotation>();

  static from(s: ScheduleState): LiveState {
    const l = new LiveState();
    for (const [k, v] of Object.entries(s.series ?? {})) l.series.set(k, { ...v });
    const load = (flat: number[] | undefined, into: Map<number, PlayStat>): void => {
      if (!Array.isArray(flat)) return;
      for (let i = 0; i + 2 < flat.length; i += 3) into.set(flat[i] as number, [flat[i + 1] as number, flat[i + 2] as number]);
    };
    load(s.programs, l.programs);
    load(s.spots, l.spots);
    l.cursorMs = s.cursorMs ?? null;
    return l;
  }

  /**
   * The rotation named `key` over spot (or program) ids, kept in step with plays.
   * Created once per state: a state carried into the next day keeps its rotations.
   */
  rotation(key: string, kind: 'spot' | 'program', ids: readonly number[], seed: number): Rotation {
    const existing = this.rotations.get(key);
    if (existing) return existing;
    const r = new Rotation(ids, kind === 'spot' ? this.spots : this.programs, seed);
    this.rotations.set(key, r);
    const index = kind === 'spot' ? this.spotRotations : this.programRotations;
    for (const id of ids) {
      let list = index.get(id);
      if (!list) index.set(id, (list = []));
      if (!list.includes(r)) list.push(r);
    }
    return r;
  }

  playSpot(id: number, atMs: number): void {
    bump(this.spots, id, atMs);
    const rs = this.spotRotations.get(id);
    if (rs) for (const r of rs) r.touch(id);
  }

  playProgram(id: number, atMs: number): void {
    bump(this.programs, id, atMs);
    const rs = this.programRotations.get(id);
    if (rs) for (const r of rs) r.touch(id);
  }

  toJSON(): ScheduleState {
    const out: ScheduleState = { series: {}, programs: [], spots: [], cursorMs: this.cursorMs };
    for (const [k, v] of this.series) out.series[k] = { ...v };
    for (const [k, v] of this.programs) out.programs.push(k, v[0], v[1]);
    for (const [k, v] of this.spots) out.spots.push(k, v[0], v[1]);
    return out;
  }
}

/** "<channel>-<start ms>": unique per channel, stable for a given start. */
export function eventId(channelNumber: number, startMs: number): string {
  // Two small-integer conversions are far cheaper than one of a 13-digit number.
  if (startMs >= 1e7 && startMs < 9e15) {
    const hi = Math.floor(startMs / 1e7);
    const lo = startMs - hi * 1e7;
    return `${channelNumber}-${hi}${String(lo).padStart(7, '0')}`;
  }
  return `${channelNumber}-${startMs}`;
}

function bump(map: Map<number, PlayStat>, id: number, atMs: number): void {
  const cur = map.get(id);
  if (cur) {
    cur[0]++;
    cur[1] = atMs;
  } else map.set(id, [1, atMs]);
}

/** State change of one interstitial event (spots, bumpers, IDs, filler). */
export function applyEvent(state: LiveState, ev: PlaylogEvent): void {
  if (ev.assetId !== null && ev.kind !== 'program' && ev.kind !== 'pad') state.playSpot(ev.assetId, ev.startMs);
}

/** State change of a program slot (series cursor and program play count). */
export function applyProgram(state: LiveState, entry: EpgEntry, cursorKey: string | null, tracks: Map<string, SeriesTrack>): void {
  if (entry.kind !== 'program' || entry.assetId === null) return;
  state.playProgram(entry.assetId, entry.startMs);
  if (cursorKey) {
    const prev = state.series.get(cursorKey);
    const idx = tracks.get(cursorKey)?.indexOf.get(entry.assetId) ?? (prev ? prev.index + 1 : 0);
    state.series.set(cursorKey, { assetId: entry.assetId, index: idx, atMs: entry.startMs });
  }
}

/** Replay a built block onto the state; the builder applies exactly these changes as it goes. */
export function applyBlock(state: LiveState, block: BuiltBlock, tracks: Map<string, SeriesTrack>): void {
  applyProgram(state, block.entry, block.cursorKey, tracks);
  for (const ev of block.events) applyEvent(state, ev);
  state.cursorMs = block.entry.endMs;
}

/** A block whose events fill it exactly (stored blocks may lack events beyond the playlog horizon). */
export function isComplete(block: BuiltBlock): boolean {
  const ev = block.events;
  if (ev.length === 0) return false;
  let t = block.entry.startMs;
  for (const e of ev) {
    if (e.startMs !== t) return false;
    t = e.endMs;
  }
  return t === block.entry.endMs;
}

export interface Segment {
  startMs: number;
  endMs: number;
  zone: ResolvedZone | null;
}

/** The day cut into stretches, each owned by the winning zone (or none: a gap). */
export function zoneSegments(plan: ResolvedPlan, frame: DayFrame): Segment[] {
  const active = plan.zones.filter(
    (z) =>
      (z.days.size === 0 || z.days.has(frame.weekday)) &&
      (z.dateFrom === null || frame.dateText >= z.dateFrom) &&
      (z.dateTo === null || frame.dateText <= z.dateTo),
  );
  const points = [...new Set([0, DAY_MINUTES, ...active.flatMap((z) => [z.startMin, z.endMin])])].sort((a, b) => a - b);
  const segments: Segment[] = [];
  let prevEnd = frame.startMs;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    let winner: ResolvedZone | null = null;
    for (const z of active) {
      if (z.startMin <= a && z.endMin >= b && (winner === null || z.priority > winner.priority)) winner = z;
    }
    const startMs = Math.max(frame.atDayMinute(a), prevEnd);
    const endMs = frame.atDayMinute(b);
    if (endMs <= startMs) continue;
    prevEnd = endMs;
    const last = segments[segments.length - 1];
    if (last && last.zone === winner && last.endMs === startMs) last.endMs = endMs;
    else segments.push({ startMs, endMs, zone: winner });
  }
  return segments;
}

function hasContent(z: ResolvedZone | null): z is ResolvedZone {
  return z !== null && (z.tracks.length > 0 || z.pool.length > 0);
}

export interface BuildDayInput {
  plan: ResolvedPlan;
  frame: DayFrame;
  /** State after the previous built day (not modified). */
  state: ScheduleState;
  /** Blocks already on air or locked: kept verbatim, building resumes after them. */
  kept?: BuiltBlock[];
  /**
   * The working state the previous day's build ended with (BuiltDay.live), to carry
   * on without re-reading `state`; it must describe the same state, and is consumed.
   */
  live?: LiveState;
}

export type BuiltDayLive = BuiltDay & {
  /** The working state after the day, to pass as `live` when building the next one. */
  live: LiveState;
};

export function buildDay(input: BuildDayInput): BuiltDayLive {
  return new DayBuilder(input).build();
}

/** Lookup tables of a resolved plan's pools, computed once per plan. */
interface PoolTables {
  entries: Map<number, PoolEntry>;
  /** Duration and cooldown by asset id (dense ids), for the candidate filters. */
  durById: Float64Array;
  coolById: Float64Array;
  promoIds: Set<number>;
  ids: Record<PoolRole, number[]>;
  /** Shortest commercial or promo: stop looking once less time than this is left. */
  minSpotMs: number;
  /** Shortest station ID: the tight-fill ID is skipped when less than this is left. */
  minIdMs: number;
  programs: Map<number, LibraryAsset>;
}

const tablesCache = new WeakMap<ResolvedPlan, PoolTables>();

function poolTables(plan: ResolvedPlan): PoolTables {
  const cached = tablesCache.get(plan);
  if (cached) return cached;
  const { pools } = plan;
  const entries = new Map<number, PoolEntry>();
  // Where an asset sits in several pools, the first role's settings (cooldown) apply.
  for (const role of POOL_ROLES) for (const e of pools[role]) if (!entries.has(e.asset.id)) entries.set(e.asset.id, e);
  let maxId = 0;
  for (const id of entries.keys()) maxId = Math.max(maxId, id);
  const durById = new Float64Array(maxId + 1);
  const coolById = new Float64Array(maxId + 1);
  for (const [id, e] of entries) {
    durById[id] = e.asset.durationMs;
    coolById[id] = e.cooldownMs;
  }
  const ids = (role: PoolRole): number[] => pools[role].map((e) => e.asset.id);
  const shortest = (list: PoolEntry[]): number => list.reduce((m, e) => Math.min(m, e.asset.durationMs), Infinity);
  const programs = new Map<number, LibraryAsset>();
  for (const z of plan.zones) for (const a of z.pool) programs.set(a.id, a);
  const t: PoolTables = {
    entries,
    durById,
    coolById,
    promoIds: new Set(ids('promo')),
    ids: {
      commercial: ids('commercial'),
      promo: ids('promo'),
      station_id: ids('station_id'),
      bumper_pre: ids('bumper_pre'),
      bumper_post: ids('bumper_post'),
      filler: ids('filler'),
    },
    minSpotMs: Math.min(shortest(pools.commercial), shortest(pools.promo)),
    minIdMs: shortest(pools.station_id),
    programs,
  };
  tablesCache.set(plan, t);
  return t;
}

class DayBuilder {
  private readonly plan: ResolvedPlan;
  private readonly frame: DayFrame;
  private readonly state: LiveState;
  private readonly ch: number;
  private readonly seed: number;
  private readonly blocks: BuiltBlock[] = [];
  private readonly issues: PlanIssue[] = [];
  private padMs = 0;
  private readonly minSpotMs: number;
  private readonly minIdMs: number;
  private readonly entries: Map<number, PoolEntry>;
  private readonly durById: Float64Array;
  private readonly coolById: Float64Array;
  private readonly promoIds: Set<number>;
  private readonly rot: Record<PoolRole, Rotation>;
  private readonly zoneRot = new Map<ResolvedZone, Rotation>();
  private readonly assetsById: Map<number, LibraryAsset>;
  private readonly idPrefix: string;

  constructor(private readonly input: BuildDayInput) {
    this.plan = input.plan;
    this.frame = input.frame;
    this.state = input.live ?? LiveState.from(input.state);
    this.ch = input.plan.plan.channelNumber;
    this.seed = input.plan.plan.seed;
    this.idPrefix = `${this.ch}-`;
    const t = poolTables(this.plan);
    this.entries = t.entries;
    this.durById = t.durById;
    this.coolById = t.coolById;
    this.promoIds = t.promoIds;
    this.minSpotMs = t.minSpotMs;
    this.minIdMs = t.minIdMs;
    this.assetsById = t.programs;
    const rot = (key: PoolRole): Rotation => this.state.rotation(key, 'spot', t.ids[key], this.seed);
    this.rot = {
      commercial: rot('commercial'),
      promo: rot('promo'),
      station_id: rot('station_id'),
      bumper_pre: rot('bumper_pre'),
      bumper_post: rot('bumper_post'),
      filler: rot('filler'),
    };
    for (const z of this.plan.zones) {
      if (z.pool.length === 0) continue;
      this.zoneRot.set(
        z,
        this.state.rotation(
          `zone${z.index}`,
          'program',
          z.pool.map((a) => a.id),
          this.seed,
        ),
      );
    }
  }

  build(): BuiltDayLive {
    const { frame } = this;
    let cursor = Math.max(frame.startMs, this.state.cursorMs ?? frame.startMs);
    const firstMs = cursor;
    for (const block of this.input.kept ?? []) {
      applyBlock(this.state, block, this.plan.tracks);
      this.blocks.push(block);
      cursor = block.entry.endMs;
    }
    const segments = zoneSegments(this.plan, frame);
    let si = 0;
    while (cursor < frame.endMs) {
      while (si < segments.length - 1 && (segments[si] as Segment).endMs <= cursor) si++;
      const seg = segments[si] as Segment;
      if (!frame.isOnGrid(cursor)) {
        // Only an off-grid day start gets here: bridge to the grid.
        cursor = this.gapBlock(cursor, Math.min(frame.ceilGrid(cursor), frame.endMs), null);
        continue;
      }
      if (!hasContent(seg.zone)) {
        let end = seg.endMs;
        for (let j = si + 1; j < segments.length && !hasContent((segments[j] as Segment).zone); j++) end = (segments[j] as Segment).endMs;
        cursor = this.gapBlock(cursor, end, seg.zone);
        continue;
      }
      cursor = this.programBlock(seg.zone, cursor, seg.endMs);
    }
    this.state.cursorMs = cursor;
    if (this.padMs > 0) {
      this.issues.push({
        severity: 'info',
        code: 'break_padded',
        message: `${Math.round(this.padMs / 1000)} s of black fill breaks on ${frame.dateText}: add shorter spots or filler`,
      });
    }
    return {
      channelNumber: this.ch,
      broadcastDate: frame.dateText,
      startMs: frame.startMs,
      endMs: frame.endMs,
      firstMs: this.blocks[0]?.entry.startMs ?? firstMs,
      lastMs: cursor,
      blocks: this.blocks,
      stateAfter: this.state.toJSON(),
      live: this.state,
      contentHash: contentHash(this.blocks),
      issues: this.issues,
    };
  }

  // ---------------------------------------------------------------- programs

  private pickProgram(zone: ResolvedZone, cursor: number, zoneEndMs: number): { asset: LibraryAsset; cursorKey: string | null } {
    if (zone.content === 'series') {
      // Rotate the zone's series: the one aired longest ago goes next.
      let track = zone.tracks[0] as SeriesTrack;
      let oldest = Infinity;
      for (const t of zone.tracks) {
        const at = this.state.series.get(t.key)?.atMs ?? -Infinity;
        if (at < oldest) {
          oldest = at;
          track = t;
        }
      }
      const st = this.state.series.get(track.key);
      const n = track.episodes.length;
      const idx = st ? ((track.indexOf.get(st.assetId) ?? st.index) + 1) % n : 0;
      return { asset: track.episodes[idx] as LibraryAsset, cursorKey: track.key };
    }
    // From the front of the rotation (least-played, longest-waiting), prefer what
    // fits before the zone ends; seeded order among equals.
    const remaining = zoneEndMs - cursor;
    const grid = this.plan.gridMs;
    const rot = this.zoneRot.get(zone) as Rotation;
    const fits = (id: number): boolean => Math.ceil((this.assetsById.get(id) as LibraryAsset).durationMs / grid) * grid <= remaining;
    let candidates = rot.front(rot.window(FRONT), fits);
    if (candidates.length === 0) candidates = rot.front(rot.window(FRONT), () => true);
    const salt = hashInts(this.seed, this.ch, cursor);
    let best = candidates[0] as number;
    let bestKey = Infinity;
    for (const id of candidates) {
      const key = (this.state.programs.get(id)?.[0] ?? 0) * 4294967296 + mix(salt, id);
      if (key < bestKey) {
        bestKey = key;
        best = id;
      }
    }
    return { asset: this.assetsById.get(best) as LibraryAsset, cursorKey: null };
  }

  private programBlock(zone: ResolvedZone, slotStart: number, zoneEndMs: number): number {
    const { asset, cursorKey } = this.pickProgram(zone, slotStart, zoneEndMs);
    const { frame, plan } = this;
    const blocksNeeded = Math.max(1, Math.ceil(asset.durationMs / plan.gridMs));
    const slotEnd = frame.ceilGrid(slotStart + blocksNeeded * plan.gridMs);
    const entry: EpgEntry = {
      startMs: slotStart,
      endMs: slotEnd,
      title: asset.series ?? asset.title,
      subtitle: asset.series ? asset.title : null,
      season: asset.season,
      episode: asset.episode,
      kind: 'program',
      assetId: asset.id,
    };
    applyProgram(this.state, entry, cursorKey, plan.tracks);
    const events: PlaylogEvent[] = [];
    const P = asset.durationMs;
    const leftover = slotEnd - slotStart - P;
    const points = this.breakPoints(asset, zone, slotEnd - slotStart, leftover);
    const k = points.length + 1;
    const base = Math.floor(leftover / k);
    const budgets = points.map(() => base);
    budgets.push(leftover - base * points.length);
    // Where each break will sit, to give the top-of-hour ID to the nearest one.
    const breakStarts: number[] = [];
    let acc = slotStart;
    for (let i = 0; i < k; i++) {
      const partEnd = i < points.length ? (points[i] as number) : P;
      const partStart = i === 0 ? 0 : (points[i - 1] as number);
      acc += partEnd - partStart;
      breakStarts.push(acc);
      acc += budgets[i] as number;
    }
    const wantsId = new Array<boolean>(k).fill(false);
    if (plan.pools.station_id.length > 0) {
      for (let h = frame.ceilTo(slotStart + 1, HOUR_MS); h <= slotEnd; h = frame.ceilTo(h + 1, HOUR_MS)) {
        let bestI = -1;
        let bestD = Infinity;
        for (let i = 0; i < k; i++) {
          if ((budgets[i] as number) <= 0) continue;
          const bs = breakStarts[i] as number;
          const be = bs + (budgets[i] as number);
          const d = h < bs ? bs - h : h > be ? h - be : 0;
          if (d < bestD) {
            bestD = d;
            bestI = i;
          }
        }
        if (bestI >= 0 && bestD <= STATION_ID_WINDOW_MS) wantsId[bestI] = true;
      }
    }
    let t = slotStart;
    let inPoint = 0;
    for (let i = 0; i < k; i++) {
      const partEnd = i < points.length ? (points[i] as number) : P;
      if (partEnd > inPoint) {
        events.push(this.event(t, 'program', asset, inPoint, partEnd - inPoint));
        t += partEnd - inPoint;
      }
      inPoint = partEnd;
      t = this.fillBreak(events, t, budgets[i] as number, wantsId[i] as boolean);
    }
    this.blocks.push({ entry, zone: zone.name, cursorKey, events });
    return slotEnd;
  }

  /** Positions in the program (ms) where it breaks: chapter markers if any, else evenly spaced. */
  private breakPoints(asset: LibraryAsset, zone: ResolvedZone, slotMs: number, leftover: number): number[] {
    const rules = this.plan.plan.breaks;
    if (leftover <= 0) return [];
    const P = asset.durationMs;
    const wanted = zone.midBreaks ?? Math.max(0, Math.round((rules.breaksPerHour * slotMs) / HOUR_MS) - 1);
    // Every break (the end one included) must be worth interrupting for.
    let n = Math.min(wanted, Math.max(0, Math.floor(leftover / Math.max(1, rules.minBreakMs)) - 1));
    const margin = rules.marginMs;
    // Strictly inside the program: a break never opens or closes it.
    const chapters = [...new Set(asset.chapters)].filter((c) => c > 0 && c < P && c >= margin && c <= P - margin);
    if (n <= 0) return [];
    if (chapters.length > 0) {
      if (chapters.length <= n) return chapters;
      const chosen: number[] = [];
      for (let i = 1; i <= n; i++) {
        const ideal = (P * i) / (n + 1);
        let best = -1;
        for (const c of chapters) if (!chosen.includes(c) && (best < 0 || Math.abs(c - ideal) < Math.abs(best - ideal))) best = c;
        if (best >= 0) chosen.push(best);
      }
      return chosen.sort((a, b) => a - b);
    }
    while (n > 0 && P / (n + 1) < margin) n--;
    const pts: number[] = [];
    for (let i = 1; i <= n; i++) pts.push(Math.round((P * i) / (n + 1)));
    return pts;
  }

  // ---------------------------------------------------------------- breaks

  private event(startMs: number, kind: EventKind, asset: LibraryAsset | null, inPointMs: number, durationMs: number, title?: string): PlaylogEvent {
    return {
      id: this.eventId(startMs),
      channelNumber: this.ch,
      startMs,
      endMs: startMs + durationMs,
      kind,
      assetId: asset?.id ?? null,
      title: title ?? asset?.title ?? '',
      inPointMs,
      durationMs,
      path: asset?.path ?? null,
      hasVideo: asset?.hasVideo ?? false,
      hasAudio: asset?.hasAudio ?? false,
    };
  }

  private idHi = -1;
  private idHiText = '';

  /** Same text as eventId(), with the slowly changing high digits cached. */
  private eventId(startMs: number): string {
    if (!(startMs >= 1e7 && startMs < 9e15)) return eventId(this.ch, startMs);
    const hi = Math.floor(startMs / 1e7);
    if (hi !== this.idHi) {
      this.idHi = hi;
      this.idHiText = `${this.idPrefix}${hi}`;
    }
    const lo = startMs - hi * 1e7;
    return this.idHiText + (lo >= 1e6 ? String(lo) : String(lo).padStart(7, '0'));
  }

  private plays(id: number): PlayStat {
    return this.state.spots.get(id) ?? NEVER;
  }

  private cool(id: number, atMs: number): boolean {
    const p = this.state.spots.get(id);
    return p === undefined || p[1] + (this.coolById[id] as number) <= atMs;
  }

  private dur(id: number): number {
    return this.durById[id] as number;
  }

  // The candidate filter reads these fields, so one closure serves every query.
  private qUsed = new Set<number>();
  private qMax = Infinity;
  private qAt = 0;
  private qForce = false;
  private readonly eligible = (id: number): boolean =>
    (this.durById[id] as number) <= this.qMax && !this.qUsed.has(id) && (this.qForce || this.cool(id, this.qAt));

  private query(rot: Rotation, used: Set<number>, atMs: number, maxMs: number, force: boolean): number[] {
    this.qUsed = used;
    this.qAt = atMs;
    this.qMax = maxMs;
    this.qForce = force;
    return rot.front(rot.window(FRONT), this.eligible);
  }

  private readonly keyBuf = new Float64Array(FRONT);

  /** Rank candidates in place: fewest plays first, seeded order among equals. */
  private ranked(ids: number[], atMs: number, salt: number): number[] {
    const h0 = hashInts(this.seed, atMs, salt);
    const keys = this.keyBuf;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      const k = this.plays(id)[0] * 4294967296 + mix(h0, id);
      let j = i - 1;
      while (j >= 0 && (keys[j] as number) > k) {
        keys[j + 1] = keys[j] as number;
        ids[j + 1] = ids[j] as number;
        j--;
      }
      keys[j + 1] = k;
      ids[j + 1] = id;
    }
    return ids;
  }

  /** The best-ranked entry of a rotation that fits, honouring cooldowns unless `force`. */
  private pickOne(rot: Rotation, atMs: number, maxMs: number, used: Set<number>, salt: number, force = false): PoolEntry | null {
    const id = this.ranked(this.query(rot, used, atMs, maxMs, force), atMs, salt)[0];
    return id === undefined ? null : (this.entries.get(id) as PoolEntry);
  }

  /** The longest eligible item near the front of a rotation that fits in `maxMs`, or -1. */
  private longest(rot: Rotation, used: Set<number>, atMs: number, maxMs: number): number {
    let best = -1;
    for (const x of this.query(rot, used, atMs, maxMs, false)) if (best < 0 || this.dur(x) > this.dur(best)) best = x;
    return best;
  }

  private readonly breakUsed = new Set<number>();
  /** This break's picks in air order: entries and their roles side by side. */
  private readonly picks: PoolEntry[] = [];
  private readonly pickRoles: PoolRole[] = [];

  /**
   * One break of exactly `budget` ms starting at `start`:
   * pre-bumper → commercials → promos → tight-fill → filler/black → post-bumper → station ID.
   */
  private fillBreak(out: PlaylogEvent[], start: number, budget: number, wantsId: boolean): number {
    if (budget <= 0) return start;
    const { pools, plan } = this.plan;
    const rules = plan.breaks;
    const rot = this.rot;
    const used = this.breakUsed;
    used.clear();
    const picks = this.picks;
    const roles = this.pickRoles;
    picks.length = 0;
    roles.length = 0;
    let left = budget;
    const full = budget >= rules.minBreakMs;
    const pre = full ? this.pickOne(rot.bumper_pre, start, Math.floor(left / 3), used, 1) : null;
    if (pre) {
      used.add(pre.asset.id);
      left -= pre.asset.durationMs;
    }
    const post = full ? this.pickOne(rot.bumper_post, start, Math.floor(left / 2), used, 2) : null;
    if (post) {
      used.add(post.asset.id);
      left -= post.asset.durationMs;
    }
    const id = wantsId ? (this.pickOne(rot.station_id, start, left, used, 3) ?? this.pickOne(rot.station_id, start, left, used, 3, true)) : null;
    if (id) {
      used.add(id.asset.id);
      left -= id.asset.durationMs;
    }
    // Fit: commercials (and promos, up to the cap) from the front of their rotations,
    // best-ranked first, while they fit.
    let promos = 0;
    const chunk: number[] = [];
    while (left >= this.minSpotMs) {
      chunk.length = 0;
      for (const x of this.query(rot.commercial, used, start, left, false)) chunk.push(x);
      if (promos < rules.maxPromosPerBreak) for (const x of this.query(rot.promo, used, start, left, false)) chunk.push(x);
      if (chunk.length === 0) break;
      for (const x of this.ranked(chunk, start, 4)) {
        const d = this.dur(x);
        if (d > left || used.has(x)) continue;
        const isPromo = this.promoIds.has(x);
        if (isPromo) {
          if (promos >= rules.maxPromosPerBreak) continue;
          promos++;
        }
        picks.push(this.entries.get(x) as PoolEntry);
        roles.push(isPromo ? 'promo' : 'commercial');
        used.add(x);
        left -= d;
      }
    }
    // Promos after commercials ("coming up next"); stable order otherwise.
    if (promos > 0) {
      const promoPicks = picks.filter((_, i) => roles[i] === 'promo');
      let w = 0;
      for (let i = 0; i < picks.length; i++) if (roles[i] !== 'promo') picks[w++] = picks[i] as PoolEntry;
      for (const p of promoPicks) picks[w++] = p;
      for (let i = 0; i < roles.length; i++) roles[i] = i < roles.length - promoPicks.length ? 'commercial' : 'promo';
    }
    // Tight-fill: the longest spot that still fits (commercial, promo while under the
    // cap, or one ID), until none does. The cap holds here too: this step closes the
    // last seconds of every break, so a promo allowed here would air in most of them.
    let idsInBreak = id ? 1 : 0;
    for (;;) {
      let best = -1;
      let role: PoolRole = 'commercial';
      for (const r of TIGHT_FILL_ROLES) {
        if (r === 'promo' && promos >= rules.maxPromosPerBreak) continue;
        if (r === 'station_id' ? idsInBreak > 0 || left < this.minIdMs : left < this.minSpotMs) continue;
        const x = this.longest(rot[r], used, start, left);
        if (x >= 0 && (best < 0 || this.dur(x) > this.dur(best))) {
          best = x;
          role = r;
        }
      }
      if (best < 0) break;
      if (role === 'station_id') idsInBreak++;
      if (role === 'promo') promos++;
      picks.push(this.entries.get(best) as PoolEntry);
      roles.push(role);
      used.add(best);
      left -= this.dur(best);
    }
    // Dead air is worse than a repeat: without filler, spots still cooling down may fill.
    if (pools.filler.length === 0) {
      while (left >= this.minSpotMs) {
        const e =
          this.pickOne(rot.commercial, start, left, used, 6, true) ??
          (promos < rules.maxPromosPerBreak ? this.pickOne(rot.promo, start, left, used, 7, true) : null);
        if (!e) break;
        const isPromo = this.promoIds.has(e.asset.id);
        if (isPromo) promos++;
        picks.push(e);
        roles.push(isPromo ? 'promo' : 'commercial');
        used.add(e.asset.id);
        left -= e.asset.durationMs;
      }
    }
    let t = start;
    if (pre) t = this.emit(out, t, pre, 'bumper_pre');
    for (let i = 0; i < picks.length; i++) t = this.emit(out, t, picks[i] as PoolEntry, roles[i] as PoolRole);
    // Pad: filler cut to length, then black for what is left.
    t = this.fillRest(out, t, left, used);
    if (post) t = this.emit(out, t, post, 'bumper_post');
    if (id) t = this.emit(out, t, id, 'station_id');
    return t;
  }

  private emit(out: PlaylogEvent[], t: number, e: PoolEntry, role: PoolRole): number {
    const ev = this.event(t, ROLE_KIND[role], e.asset, 0, e.asset.durationMs);
    out.push(ev);
    applyEvent(this.state, ev);
    return ev.endMs;
  }

  /** Fill `ms` exactly with filler (the last piece cut to length), then black. */
  private fillRest(out: PlaylogEvent[], start: number, ms: number, used: Set<number>, trackPad = true): number {
    let t = start;
    let left = ms;
    const rot = this.rot.filler;
    while (left >= MIN_FILLER_MS && rot.size > 0) {
      let e = this.pickOne(rot, t, Infinity, used, 5, true);
      if (!e) {
        used.clear();
        e = this.pickOne(rot, t, Infinity, used, 5, true);
      }
      if (!e) break;
      used.add(e.asset.id);
      const d = Math.min(e.asset.durationMs, left);
      const ev = this.event(t, 'filler', e.asset, 0, d);
      out.push(ev);
      applyEvent(this.state, ev);
      t += d;
      left -= d;
    }
    if (left > 0) {
      out.push(this.event(t, 'pad', null, 0, left, 'Black'));
      if (trackPad) this.padMs += left;
      t += left;
    }
    return t;
  }

  // ---------------------------------------------------------------- gaps

  /** Time no zone can fill: filler or a slate, and a report line. */
  private gapBlock(start: number, end: number, zone: ResolvedZone | null): number {
    const hasFiller = this.plan.pools.filler.length > 0;
    const events: PlaylogEvent[] = [];
    const used = new Set<number>();
    if (hasFiller) this.fillRest(events, start, end - start, used, false);
    else events.push(this.event(start, 'pad', null, 0, end - start, 'Please stand by'));
    const entry: EpgEntry = {
      startMs: start,
      endMs: end,
      title: hasFiller ? 'Station break' : 'Please stand by',
      subtitle: null,
      season: null,
      episode: null,
      kind: hasFiller ? 'filler' : 'pad',
      assetId: null,
    };
    this.blocks.push({ entry, zone: zone?.name ?? null, cursorKey: null, events });
    if (end - start >= this.plan.gridMs || zone) {
      const f = this.frame;
      this.issues.push({
        severity: 'warning',
        code: 'gap',
        zone: zone?.name,
        fromMs: start,
        toMs: end,
        message: `${zone ? `zone '${zone.name}' has nothing ready` : 'nothing is scheduled'} ${f.localHhMm(start)}–${f.localHhMm(end)} on ${f.dateText}: airs ${hasFiller ? 'filler' : 'a black slate'}`,
      });
    }
    return end;
  }
}

/** Distinct for every EventKind, without a keyed lookup in the hot loop. */
function kindCode(kind: EventKind): number {
  return kind.charCodeAt(0) * 16 + kind.length;
}

/**
 * Hash of what a day airs: every block and event as numbers (titles and paths
 * follow from asset ids, which the plan hash covers), plus series cursors.
 */
export function contentHash(blocks: BuiltBlock[]): string {
  let n = 0;
  for (const b of blocks) n += 5 + b.events.length * 5;
  const buf = new Float64Array(n);
  let i = 0;
  const keys: string[] = [];
  for (const b of blocks) {
    const e = b.entry;
    buf[i++] = -1;
    buf[i++] = e.startMs;
    buf[i++] = e.endMs;
    buf[i++] = kindCode(e.kind);
    buf[i++] = e.assetId ?? -1;
    if (b.cursorKey) keys.push(b.cursorKey);
    for (const ev of b.events) {
      buf[i++] = ev.startMs;
      buf[i++] = ev.endMs;
      buf[i++] = kindCode(ev.kind);
      buf[i++] = ev.assetId ?? -1;
      buf[i++] = ev.inPointMs;
    }
  }
  return createHash('sha256').update(new Uint8Array(buf.buffer)).update(keys.join('|')).digest('hex');
}
