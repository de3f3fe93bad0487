/**
 * The builder's working state and its reducers. ScheduleState is what is stored;
 * LiveState is its working form (maps keyed by asset id, plus the rotations of the
 * day's pools, which every play keeps current). State changes only through the
 * reducers here, so a kept (locked) stretch replays to exactly the same state.
 */
import { Rotation, type PlayStat } from '../rotation.ts';
import type { SeriesTrack } from '../resolve.ts';
import type { BuiltBlock, EpgEntry, PlaylogEvent, ScheduleState } from '../types.ts';

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
