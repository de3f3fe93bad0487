/**
 * The timeline math: one broadcast day from a resolved plan and the state left by
 * the day before. Pure and deterministic: the same plan, library and prior state
 * always give the same blocks, events and hash.
 *
 * A day is a walk over grid blocks (zones.ts says who owns each stretch): each
 * program takes the smallest whole number of blocks that holds it (programs.ts),
 * and the leftover is split among its breaks and filled exactly to the boundary
 * (breaks.ts). Whatever runs past the day's end carries over.
 */
import type { Rotation } from '../rotation.ts';
import type { ResolvedPlan, ResolvedZone } from '../resolve.ts';
import type { DayFrame } from '../time.ts';
import type { BuiltBlock, BuiltDay, EpgEntry, PlanIssue, PlaylogEvent, PoolRole, ScheduleState } from '../types.ts';
import { BreakFiller } from './breaks.ts';
import { contentHash } from './content-hash.ts';
import { applyBlock, LiveState } from './live-state.ts';
import { EventMaker } from './playlog-events.ts';
import { poolTables } from './pool-tables.ts';
import { ProgramSlotter } from './programs.ts';
import { SignOffBuilder, signOffWindows } from './sign-off.ts';
import { hasContent, withSignOff, zoneSegments, type Segment } from './zones.ts';

/** Bumped when the timeline math changes: stored days are then rebuilt after the locked window. */
export const BUILDER_VERSION = 3;

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

class DayBuilder {
  private readonly plan: ResolvedPlan;
  private readonly frame: DayFrame;
  private readonly state: LiveState;
  private readonly ch: number;
  private readonly blocks: BuiltBlock[] = [];
  private readonly issues: PlanIssue[] = [];
  private readonly events: EventMaker;
  private readonly breaks: BreakFiller;
  private readonly programs: ProgramSlotter;
  private readonly signOff: SignOffBuilder;

  constructor(private readonly input: BuildDayInput) {
    this.plan = input.plan;
    this.frame = input.frame;
    this.state = input.live ?? LiveState.from(input.state);
    this.ch = input.plan.plan.channelNumber;
    const seed = input.plan.plan.seed;
    const t = poolTables(this.plan);
    const rot = (key: PoolRole): Rotation => this.state.rotation(key, 'spot', t.ids[key], seed);
    const rotations: Record<PoolRole, Rotation> = {
      commercial: rot('commercial'),
      promo: rot('promo'),
      station_id: rot('station_id'),
      bumper_pre: rot('bumper_pre'),
      bumper_post: rot('bumper_post'),
      filler: rot('filler'),
    };
    const zoneRot = new Map<ResolvedZone, Rotation>();
    for (const z of this.plan.zones) {
      if (z.pool.length === 0) continue;
      zoneRot.set(
        z,
        this.state.rotation(
          `zone${z.index}`,
          'program',
          z.pool.map((a) => a.id),
          seed,
        ),
      );
    }
    this.events = new EventMaker(this.ch);
    this.breaks = new BreakFiller(this.plan, this.state, t, rotations, seed, this.events);
    this.programs = new ProgramSlotter(this.plan, this.frame, this.state, zoneRot, t.programs, this.breaks, this.events);
    this.signOff = new SignOffBuilder(this.plan, this.breaks, this.events);
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
    const segments = withSignOff(zoneSegments(this.plan, frame), signOffWindows(this.plan, frame));
    let si = 0;
    while (cursor < frame.endMs) {
      while (si < segments.length - 1 && (segments[si] as Segment).endMs <= cursor) si++;
      const seg = segments[si] as Segment;
      if (seg.signOff && seg.startMs <= cursor) {
        // Off the air until sign-on (a programme that ran into the night has ended first).
        this.blocks.push(this.signOff.block(cursor, seg.signOff));
        cursor = seg.endMs;
        continue;
      }
      if (!frame.isOnGrid(cursor)) {
        // Only an off-grid day start gets here: bridge to the grid.
        cursor = this.gapBlock(cursor, Math.min(frame.ceilGrid(cursor), frame.endMs), null);
        continue;
      }
      if (!hasContent(seg.zone)) {
        let end = seg.endMs;
        // A gap runs on through empty zones, but not into the night: the sign-off still airs.
        for (let j = si + 1; j < segments.length && !hasContent((segments[j] as Segment).zone) && !(segments[j] as Segment).signOff; j++) end = (segments[j] as Segment).endMs;
        cursor = this.gapBlock(cursor, end, seg.zone);
        continue;
      }
      const block = this.programs.programBlock(seg.zone, cursor, seg.endMs);
      this.blocks.push(block);
      cursor = block.entry.endMs;
    }
    this.state.cursorMs = cursor;
    const padMs = this.breaks.padMs;
    if (padMs > 0) {
      this.issues.push({
        severity: 'info',
        code: 'break_padded',
        message: `${Math.round(padMs / 1000)} s of black fill breaks on ${frame.dateText}: add shorter spots or filler`,
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

  /** Time no zone can fill: filler or a slate, and a report line. */
  private gapBlock(start: number, end: number, zone: ResolvedZone | null): number {
    const hasFiller = this.plan.pools.filler.length > 0;
    const events: PlaylogEvent[] = [];
    const used = new Set<number>();
    if (hasFiller) this.breaks.fillRest(events, start, end - start, used, false);
    else events.push(this.events.make(start, 'pad', null, 0, end - start, 'Please stand by'));
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
