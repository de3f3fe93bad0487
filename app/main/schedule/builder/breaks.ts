/**
 * Break filling: one break of an exact length, in air order
 * pre-bumper → commercials → promos → tight-fill → filler/black → post-bumper → station ID,
 * honouring cooldowns and the per-break promo cap. Every choice is a seeded hash of
 * (seed, break start, salt), so any stretch rebuilds identically.
 */
import { hashInts, mix } from '../prng.ts';
import type { ResolvedPlan, PoolEntry } from '../resolve.ts';
import type { Rotation, PlayStat } from '../rotation.ts';
import type { EventKind, PlaylogEvent, PoolRole } from '../types.ts';
import { FRONT } from './front.ts';
import { applyEvent, type LiveState } from './live-state.ts';
import type { PoolTables } from './pool-tables.ts';
import type { EventMaker } from './playlog-events.ts';

/** Filler is not cut into pieces shorter than this; the rest is black. */
const MIN_FILLER_MS = 1000;
const NEVER: PlayStat = [0, -Infinity];

const TIGHT_FILL_ROLES: readonly PoolRole[] = ['commercial', 'promo', 'station_id'];

const ROLE_KIND: Record<PoolRole, EventKind> = {
  commercial: 'commercial',
  promo: 'promo',
  station_id: 'station_id',
  bumper_pre: 'bumper',
  bumper_post: 'bumper',
  filler: 'filler',
};

export class BreakFiller {
  /** Black aired inside breaks so far (gaps not counted), for the report. */
  padMs = 0;
  private readonly minSpotMs: number;
  private readonly minIdMs: number;
  private readonly entries: Map<number, PoolEntry>;
  private readonly durById: Float64Array;
  private readonly coolById: Float64Array;
  private readonly promoIds: Set<number>;

  constructor(
    private readonly plan: ResolvedPlan,
    private readonly state: LiveState,
    tables: PoolTables,
    private readonly rot: Record<PoolRole, Rotation>,
    private readonly seed: number,
    private readonly events: EventMaker,
  ) {
    this.entries = tables.entries;
    this.durById = tables.durById;
    this.coolById = tables.coolById;
    this.promoIds = tables.promoIds;
    this.minSpotMs = tables.minSpotMs;
    this.minIdMs = tables.minIdMs;
  }

  // ---------------------------------------------------------------- candidates

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

  // ---------------------------------------------------------------- one break

  private readonly breakUsed = new Set<number>();
  /** This break's picks in air order: entries and their roles side by side. */
  private readonly picks: PoolEntry[] = [];
  private readonly pickRoles: PoolRole[] = [];

  /**
   * One break of exactly `budget` ms starting at `start`:
   * pre-bumper → commercials → promos → tight-fill → filler/black → post-bumper → station ID.
   */
  fillBreak(out: PlaylogEvent[], start: number, budget: number, wantsId: boolean): number {
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

  /** A station ID of at most `maxMs` for the sign-off and sign-on (cooling down if nothing else fits), not one of `exclude`. */
  pickStationId(atMs: number, maxMs: number, exclude: ReadonlySet<number> = new Set()): PoolEntry | null {
    const used = new Set(exclude);
    return this.pickOne(this.rot.station_id, atMs, maxMs, used, 8) ?? this.pickOne(this.rot.station_id, atMs, maxMs, used, 8, true);
  }

  emitStationId(out: PlaylogEvent[], t: number, e: PoolEntry): number {
    return this.emit(out, t, e, 'station_id');
  }

  private emit(out: PlaylogEvent[], t: number, e: PoolEntry, role: PoolRole): number {
    const ev = this.events.make(t, ROLE_KIND[role], e.asset, 0, e.asset.durationMs);
    out.push(ev);
    applyEvent(this.state, ev);
    return ev.endMs;
  }

  /** Fill `ms` exactly with filler (the last piece cut to length), then black. */
  fillRest(out: PlaylogEvent[], start: number, ms: number, used: Set<number>, trackPad = true): number {
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
      const ev = this.events.make(t, 'filler', e.asset, 0, d);
      out.push(ev);
      applyEvent(this.state, ev);
      t += d;
      left -= d;
    }
    if (left > 0) {
      out.push(this.events.make(t, 'pad', null, 0, left, 'Black'));
      if (trackPad) this.padMs += left;
      t += left;
    }
    return t;
  }
}
