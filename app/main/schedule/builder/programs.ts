/**
 * Programme slotting: which program a zone airs next, the smallest whole number of
 * grid blocks that holds it, where it breaks (chapters, else even spacing), how the
 * leftover is split among its breaks, and which break carries the top-of-hour ID.
 */
import { realEpisodeTitle } from '../../library/program-info.ts';
import { hashInts, mix } from '../prng.ts';
import { eligible, NO_RESTRICTION } from '../ratings.ts';
import type { Rotation } from '../rotation.ts';
import type { ResolvedPlan, ResolvedZone, SeriesTrack } from '../resolve.ts';
import { HOUR_MS, MINUTE_MS, type DayFrame } from '../time.ts';
import type { BuiltBlock, EpgEntry, LibraryAsset, PlaylogEvent } from '../types.ts';
import type { BreakFiller } from './breaks.ts';
import { FRONT } from './front.ts';
import { applyProgram, type LiveState } from './live-state.ts';
import type { EventMaker } from './playlog-events.ts';

/** A break may carry the top-of-hour ID when it is this close to the hour. */
const STATION_ID_WINDOW_MS = 15 * MINUTE_MS;

export class ProgramSlotter {
  private readonly ch: number;
  private readonly seed: number;

  constructor(
    private readonly plan: ResolvedPlan,
    private readonly frame: DayFrame,
    private readonly state: LiveState,
    private readonly zoneRot: Map<ResolvedZone, Rotation>,
    private readonly assetsById: Map<number, LibraryAsset>,
    private readonly breaks: BreakFiller,
    private readonly events: EventMaker,
  ) {
    this.ch = plan.plan.channelNumber;
    this.seed = plan.plan.seed;
  }

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
      let idx = st ? ((track.indexOf.get(st.assetId) ?? st.index) + 1) % n : 0;
      // A restricted zone skips the episodes it may not air; the series keeps its order
      // (the resolver gave the zone only tracks with an episode it may air).
      if (zone.restriction !== NO_RESTRICTION) {
        for (let k = 0; k < n && !eligible(track.episodes[idx] as LibraryAsset, zone.restriction); k++) idx = (idx + 1) % n;
      }
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

  /** The program block starting at `slotStart`, with its parts and filled breaks. */
  programBlock(zone: ResolvedZone, slotStart: number, zoneEndMs: number): BuiltBlock {
    const { asset, cursorKey } = this.pickProgram(zone, slotStart, zoneEndMs);
    const { frame, plan } = this;
    const blocksNeeded = Math.max(1, Math.ceil(asset.durationMs / plan.gridMs));
    const slotEnd = frame.ceilGrid(slotStart + blocksNeeded * plan.gridMs);
    const entry: EpgEntry = {
      startMs: slotStart,
      endMs: slotEnd,
      title: asset.series ?? asset.title,
      subtitle: realEpisodeTitle(asset),
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
        events.push(this.events.make(t, 'program', asset, inPoint, partEnd - inPoint));
        t += partEnd - inPoint;
      }
      inPoint = partEnd;
      t = this.breaks.fillBreak(events, t, budgets[i] as number, wantsId[i] as boolean);
    }
    return { entry, zone: zone.name, cursorKey, events };
  }

  /** Positions in the program (ms) where it breaks: chapter markers, else detected breaks (black + silence), else evenly spaced. */
  private breakPoints(asset: LibraryAsset, zone: ResolvedZone, slotMs: number, leftover: number): number[] {
    const rules = this.plan.plan.breaks;
    if (leftover <= 0) return [];
    const P = asset.durationMs;
    const wanted = zone.midBreaks ?? Math.max(0, Math.round((rules.breaksPerHour * slotMs) / HOUR_MS) - 1);
    // Every break (the end one included) must be worth interrupting for.
    let n = Math.min(wanted, Math.max(0, Math.floor(leftover / Math.max(1, rules.minBreakMs)) - 1));
    const margin = rules.marginMs;
    // Strictly inside the program: a break never opens or closes it.
    const inside = (points: readonly number[]): number[] => [...new Set(points)].filter((c) => c > 0 && c < P && c >= margin && c <= P - margin);
    let chapters = inside(asset.chapters);
    if (chapters.length === 0 && asset.detectedBreaks) chapters = inside(asset.detectedBreaks);
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
}
