/** Which zone owns each stretch of a broadcast day. */
import type { ResolvedPlan, ResolvedZone } from '../resolve.ts';
import { DAY_MINUTES, type DayFrame } from '../time.ts';
import type { SignOffWindow } from './sign-off.ts';

export interface Segment {
  startMs: number;
  endMs: number;
  zone: ResolvedZone | null;
  /** Off the air: the zones give way to the sign-off. */
  signOff?: SignOffWindow;
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

/** A zone that has something to air (an empty one is a gap). */
export function hasContent(z: ResolvedZone | null): z is ResolvedZone {
  return z !== null && (z.tracks.length > 0 || z.pool.length > 0);
}

/** The segments with the off-air windows cut out of them and put in their place, in time order. */
export function withSignOff(segments: Segment[], windows: SignOffWindow[]): Segment[] {
  if (windows.length === 0) return segments;
  const out: Segment[] = [];
  for (const seg of segments) {
    let from = seg.startMs;
    for (const w of windows) {
      if (w.endMs <= from || w.startMs >= seg.endMs) continue;
      if (w.startMs > from) out.push({ ...seg, startMs: from, endMs: w.startMs });
      from = Math.min(seg.endMs, w.endMs);
    }
    if (from < seg.endMs) out.push({ ...seg, startMs: from, endMs: seg.endMs });
  }
  for (const w of windows) out.push({ startMs: w.startMs, endMs: w.endMs, zone: null, signOff: w });
  return out.sort((a, b) => a.startMs - b.startMs);
}
