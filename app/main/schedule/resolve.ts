/**
 * Plan + library snapshot → a resolved plan: each zone and pool as concrete ready
 * assets, zone times as minutes of the broadcast day snapped to the grid, plus the
 * problems a programmer should fix before they air. Pure.
 */
import { sha256 } from './prng.ts';
import { describeRestriction, eligible, isRestricted, NO_RESTRICTION, type Restriction } from './ratings.ts';
import { DAY_MINUTES, dayMinute, formatHhMm, MINUTE_MS, parseHhMm } from './time.ts';
import type { ChannelPlan, LibraryAsset, PlanIssue, PoolRole, SourceRef, ZoneContentType, ZonePlan } from './types.ts';
import { POOL_ROLES } from './types.ts';

/** Episodes of one series in play order, with their cursor key. */
export interface SeriesTrack {
  key: string;
  episodes: LibraryAsset[];
  indexOf: Map<number, number>;
}

export interface ResolvedZone {
  index: number;
  name: string;
  /** Minutes after the broadcast-day start, grid-snapped; end may be 1440. */
  startMin: number;
  endMin: number;
  days: Set<number>;
  dateFrom: string | null;
  dateTo: string | null;
  priority: number;
  content: ZoneContentType;
  midBreaks: number | null;
  /** What may air in the zone; series tracks are shared, so their episodes are checked at pick time. */
  restriction: Restriction;
  tracks: SeriesTrack[];
  pool: LibraryAsset[];
}

export interface PoolEntry {
  asset: LibraryAsset;
  cooldownMs: number;
}

export interface ResolvedPlan {
  plan: ChannelPlan;
  gridMs: number;
  dayStartMinutes: number;
  zones: ResolvedZone[];
  pools: Record<PoolRole, PoolEntry[]>;
  /** Series cursor key → track, for replaying state. */
  tracks: Map<string, SeriesTrack>;
  /** The overnight in minutes after the broadcast-day start, grid-snapped; endMin > 1440 when it runs past the day start. */
  signOff: { startMin: number; endMin: number } | null;
  /** Hash of everything in the plan and library that can change the timeline. */
  hash: string;
  issues: PlanIssue[];
}

/** Series play order: season, episode, then path (the library's order). */
export function playOrder(a: LibraryAsset, b: LibraryAsset): number {
  return (a.season ?? 0) - (b.season ?? 0) || (a.episode ?? 0) - (b.episode ?? 0) || a.relPath.localeCompare(b.relPath) || a.id - b.id;
}

export class LibraryIndex {
  readonly byId = new Map<number, LibraryAsset>();
  readonly byCollection = new Map<number, LibraryAsset[]>();
  constructor(readonly assets: LibraryAsset[]) {
    for (const a of assets) {
      if (!(a.durationMs > 0)) continue;
      this.byId.set(a.id, a);
      let list = this.byCollection.get(a.collectionId);
      if (!list) this.byCollection.set(a.collectionId, (list = []));
      list.push(a);
    }
  }
  /** Ready assets a source reference stands for (missing or not-ready ones vanish). */
  expand(ref: SourceRef): LibraryAsset[] {
    if (ref.assetId != null) {
      const a = this.byId.get(ref.assetId);
      return a ? [a] : [];
    }
    if (ref.collectionId == null) return [];
    const list = this.byCollection.get(ref.collectionId) ?? [];
    return ref.series != null ? list.filter((a) => a.series === ref.series) : list;
  }
}

function trackKey(ref: SourceRef): string {
  return ref.assetId != null ? `a${ref.assetId}` : `c${ref.collectionId ?? 0}:${ref.series ?? '*'}`;
}

function describeZone(z: ZonePlan): string {
  return `zone '${z.name}' (${z.start}–${z.end})`;
}

function rangesIntersect(aFrom: string | null, aTo: string | null, bFrom: string | null, bTo: string | null): boolean {
  const lo = [aFrom, bFrom].filter((x): x is string => x !== null).sort().pop();
  const hi = [aTo, bTo].filter((x): x is string => x !== null).sort()[0];
  return lo === undefined || hi === undefined || lo <= hi;
}

export function resolvePlan(plan: ChannelPlan, library: LibraryIndex): ResolvedPlan {
  const issues: PlanIssue[] = [];
  const gridMin = plan.gridMinutes;
  const dayStartMinutes = parseHhMm(plan.broadcastDayStart) ?? 360;
  if (parseHhMm(plan.broadcastDayStart) === null) {
    issues.push({ severity: 'error', code: 'bad_time', message: `broadcast day start '${plan.broadcastDayStart}' is not HH:MM; using 06:00` });
  }
  const tracks = new Map<string, SeriesTrack>();
  const zones: ResolvedZone[] = [];
  plan.zones.forEach((z, index) => {
    const s = parseHhMm(z.start);
    const e = parseHhMm(z.end);
    if (s === null || e === null || s === DAY_MINUTES) {
      issues.push({ severity: 'error', code: 'bad_time', zone: z.name, message: `${describeZone(z)} has a bad time; expected HH:MM` });
      return;
    }
    // Zone edges snap up to the local grid so programs can start on them.
    const snap = (m: number): number => Math.ceil(m / gridMin) * gridMin;
    const sSnap = snap(s);
    const eSnap = e === DAY_MINUTES ? e : snap(e);
    if (sSnap !== s || eSnap !== e) {
      issues.push({
        severity: 'warning',
        code: 'zone_off_grid',
        zone: z.name,
        message: `${describeZone(z)} is not on the ${gridMin}-minute grid; it runs ${formatHhMm(sSnap % DAY_MINUTES)}–${formatHhMm(eSnap % DAY_MINUTES)}`,
      });
    }
    let startMin = 0;
    let endMin = DAY_MINUTES;
    if (s !== e) {
      startMin = dayMinute(sSnap % DAY_MINUTES, dayStartMinutes);
      endMin = dayMinute(eSnap % DAY_MINUTES, dayStartMinutes);
      if (endMin <= startMin) endMin += DAY_MINUTES;
      if (endMin > DAY_MINUTES) {
        issues.push({
          severity: 'warning',
          code: 'zone_crosses_day_start',
          zone: z.name,
          message: `${describeZone(z)} crosses the broadcast-day start ${plan.broadcastDayStart}; it is cut there (split it into two zones)`,
        });
        endMin = DAY_MINUTES;
      }
    }
    const restriction = restrictionOf(z);
    const ok = (a: LibraryAsset): boolean => eligible(a, restriction);
    const zoneTracks: SeriesTrack[] = [];
    const pool: LibraryAsset[] = [];
    /** Ready programs of the zone's sources before the restriction, for the report. */
    let ready = 0;
    if (z.content === 'series') {
      for (const ref of z.sources) {
        const key = trackKey(ref);
        let track = tracks.get(key);
        if (!track) {
          const episodes = library.expand(ref).slice().sort(playOrder);
          track = { key, episodes, indexOf: new Map(episodes.map((a, i) => [a.id, i])) };
          tracks.set(key, track);
        }
        if (zoneTracks.includes(track)) continue;
        ready += track.episodes.length;
        // A track with nothing eligible is not the zone's; the others are, episode by episode.
        if (track.episodes.some(ok)) zoneTracks.push(track);
      }
    } else {
      const seen = new Set<number>();
      for (const ref of z.sources) {
        for (const a of library.expand(ref)) {
          if (!seen.has(a.id)) {
            seen.add(a.id);
            ready++;
            if (ok(a)) pool.push(a);
          }
        }
      }
      pool.sort((a, b) => a.id - b.id);
    }
    if (zoneTracks.length === 0 && pool.length === 0 && ready > 0) {
      issues.push({
        severity: 'error',
        code: 'nothing_eligible',
        zone: z.name,
        message: `${describeZone(z)} has ${ready} ready program${ready === 1 ? '' : 's'} but none ${describeRestriction(restriction)}; its time airs filler or a slate`,
      });
    } else if (zoneTracks.length === 0 && pool.length === 0) {
      issues.push({
        severity: 'error',
        code: 'empty_pool',
        zone: z.name,
        message: `${describeZone(z)} has nothing ready to air; its time airs filler or a slate`,
      });
    }
    zones.push({
      index,
      name: z.name,
      startMin,
      endMin,
      days: new Set(z.days),
      dateFrom: z.dateFrom,
      dateTo: z.dateTo,
      priority: z.priority,
      content: z.content,
      midBreaks: z.midBreaks,
      restriction,
      tracks: zoneTracks,
      pool,
    });
  });

  // Zones that can air at the same moment with equal priority: which one wins is arbitrary.
  for (let i = 0; i < zones.length; i++) {
    for (let j = i + 1; j < zones.length; j++) {
      const a = zones[i] as ResolvedZone;
      const b = zones[j] as ResolvedZone;
      if (a.priority !== b.priority) continue;
      const daysMeet = a.days.size === 0 || b.days.size === 0 || [...a.days].some((d) => b.days.has(d));
      if (!daysMeet || !rangesIntersect(a.dateFrom, a.dateTo, b.dateFrom, b.dateTo)) continue;
      if (a.startMin < b.endMin && b.startMin < a.endMin) {
        issues.push({
          severity: 'error',
          code: 'zone_overlap',
          zone: b.name,
          message: `zones '${a.name}' and '${b.name}' overlap with equal priority ${a.priority}; '${a.name}' (declared first) wins — give one a higher priority`,
        });
      }
    }
  }

  const pools = {} as Record<PoolRole, PoolEntry[]>;
  for (const role of POOL_ROLES) {
    const seen = new Set<number>();
    const entries: PoolEntry[] = [];
    for (const ref of plan.pools[role] ?? []) {
      for (const asset of library.expand(ref)) {
        if (seen.has(asset.id)) continue;
        seen.add(asset.id);
        entries.push({ asset, cooldownMs: ref.cooldownMs ?? plan.breaks.spotCooldownMs });
      }
    }
    pools[role] = entries;
    const declared = (plan.pools[role] ?? []).length > 0;
    if (declared && entries.length === 0) {
      issues.push({ severity: 'warning', code: 'empty_pool', message: `the ${role.replace('_', ' ')} pool has no ready assets` });
    }
  }
  if (pools.commercial.length === 0 && pools.promo.length === 0 && pools.filler.length === 0) {
    issues.push({
      severity: 'warning',
      code: 'empty_pool',
      message: 'no commercials, promos or filler are ready: breaks and gaps air black',
    });
  }

  let signOff: ResolvedPlan['signOff'] = null;
  if (plan.signOff) {
    const at = parseHhMm(plan.signOff.at);
    const until = parseHhMm(plan.signOff.until);
    if (at === null || until === null || at === until || at === DAY_MINUTES || until === DAY_MINUTES) {
      issues.push({ severity: 'error', code: 'bad_time', message: `sign-off ${plan.signOff.at}–${plan.signOff.until} is not two different HH:MM times; the channel stays on the air` });
    } else {
      // On the grid, like zones, so programmes start on it when the channel signs on.
      const snap = (m: number): number => (Math.ceil(m / gridMin) * gridMin) % DAY_MINUTES;
      const startMin = dayMinute(snap(at), dayStartMinutes);
      let endMin = dayMinute(snap(until), dayStartMinutes);
      if (endMin === startMin) {
        issues.push({ severity: 'error', code: 'bad_time', message: `sign-off ${plan.signOff.at}–${plan.signOff.until} is empty on the ${gridMin}-minute grid; the channel stays on the air` });
      } else {
        if (endMin < startMin) endMin += DAY_MINUTES;
        signOff = { startMin, endMin };
      }
    }
  }

  return {
    plan,
    gridMs: gridMin * MINUTE_MS,
    dayStartMinutes,
    zones,
    pools,
    tracks,
    signOff,
    hash: planHash(plan, zones, pools),
    issues,
  };
}

function restrictionOf(z: ZonePlan): Restriction {
  const r: Restriction = {
    maxRating: z.maxRating ?? null,
    tags: [...new Set((z.tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))],
    allowUnrated: z.allowUnrated ?? true,
  };
  return isRestricted(r) ? r : NO_RESTRICTION;
}

function assetSig(a: LibraryAsset): string {
  // Rating and tags only where set: a library without them hashes as it always did.
  const extra = `${a.rating ? `,r${a.rating}` : ''}${a.tags?.length ? `,t${a.tags.join('.')}` : ''}${a.detectedBreaks?.length ? `,b${a.detectedBreaks.join('.')}` : ''}${a.gainDb ? `,g${a.gainDb}` : ''}`;
  return `${a.id},${a.durationMs},${a.chapters.join('.')},${a.hasVideo ? 1 : 0}${a.hasAudio ? 1 : 0},${a.title},${a.series ?? ''},${a.season ?? ''},${a.episode ?? ''},${a.path}${extra}`;
}

function planHash(plan: ChannelPlan, zones: ResolvedZone[], pools: Record<PoolRole, PoolEntry[]>): string {
  const parts: string[] = [
    // The sign-off only where set, so a plan without one hashes as it always did.
    JSON.stringify({ tz: plan.timezone, g: plan.gridMinutes, d: plan.broadcastDayStart, s: plan.seed, b: plan.breaks, z: plan.zones, ...(plan.signOff ? { o: plan.signOff } : {}) }),
  ];
  for (const z of zones) {
    parts.push(`Z${z.index}`);
    for (const t of z.tracks) parts.push(`T${t.key}`, ...t.episodes.map(assetSig));
    parts.push(...z.pool.map(assetSig));
  }
  for (const role of POOL_ROLES) parts.push(`P${role}`, ...pools[role].map((e) => `${assetSig(e.asset)}/${e.cooldownMs}`));
  return sha256(parts.join('\n'));
}
