/**
 * Which branding goes over which segment, as plain data: the ChannelManager applies it
 * to the plan, producers pass it through, the engine draws it. Pure: the facts about
 * programmes (rating, last part, what is next) and the crawl windows are given.
 *
 * - logo bug: over programmes (and breaks, when asked);
 * - rating bug: the first seconds of every programme part, so at its start and after each break;
 * - "Next: TITLE at 8:30": over the last part of a programme, ending `beforeEnd` before it;
 * - crawls: over everything with pictures while their window is open.
 */
import { addLocalDays, fromLocal, toLocal } from '../../clock/zoned-time.ts';
import type { PlayoutSegment, SegmentOverlay } from '../producer/producer.ts';
import type { Branding, ResolvedCrawl } from './branding-spec.ts';

/** What the schedule says about the programme a segment is part of. */
export interface ProgrammeFacts {
  rating: string | null;
  /** No more parts of this programme follow (its next break is its last). */
  lastPart: boolean;
  /** The next programme, when known. */
  next: { title: string; startMs: number } | null;
}

/** An open crawl, in station time. */
export interface CrawlWindow {
  text: string;
  startMs: number;
  endMs: number;
}

export interface BrandingContext {
  timezone: string;
  facts: (seg: PlayoutSegment) => ProgrammeFacts | null;
  crawls: CrawlWindow[];
}

/** "8:30", "12:05": the channel's local time on the 12-hour clock, as a lower third says it. */
export function clockText(ms: number, timeZone: string): string {
  const t = toLocal(ms, timeZone);
  return `${t.hour % 12 === 0 ? 12 : t.hour % 12}:${String(t.minute).padStart(2, '0')}`;
}

export function overlaysFor(seg: PlayoutSegment, branding: Branding, ctx: BrandingContext): SegmentOverlay[] {
  const src = seg.source;
  if (src.type !== 'file' || !src.hasVideo) return [];
  const out: SegmentOverlay[] = [];
  const dur = seg.endMs - seg.startMs;
  const programme = seg.kind === 'program';
  if (branding.logo && (programme || (branding.logo.duringBreaks && seg.kind !== 'pad'))) {
    const { image, corner, opacity, heightPct, marginPct } = branding.logo;
    out.push({ kind: 'logo', image, corner, opacity, heightPct, marginPct });
  }
  const facts = programme ? ctx.facts(seg) : null;
  if (programme && branding.rating && facts?.rating) {
    out.push({ kind: 'rating', text: facts.rating, corner: branding.rating.corner, fromMs: 0, untilMs: Math.min(dur, branding.rating.seconds * 1000) });
  }
  if (programme && branding.nextUp && facts?.lastPart && facts.next) {
    const until = dur - branding.nextUp.beforeEndSeconds * 1000;
    const from = Math.max(0, until - branding.nextUp.seconds * 1000);
    // Not over the rating bug, and only where it has time to be read.
    if (until - from >= 3000) out.push({ kind: 'lower-third', text: `Next: ${facts.next.title} at ${clockText(facts.next.startMs, ctx.timezone)}`, fromMs: from, untilMs: until });
  }
  for (const c of ctx.crawls) {
    const from = Math.max(c.startMs, seg.startMs);
    const until = Math.min(c.endMs, seg.endMs);
    if (until > from) out.push({ kind: 'crawl', text: c.text, fromMs: from - seg.startMs, untilMs: until - seg.startMs, sinceMs: c.startMs });
  }
  return out;
}

/** The segments with their branding (segments without any are returned as they were). */
export function brandSegments(segments: PlayoutSegment[], branding: Branding | null, ctx: BrandingContext): PlayoutSegment[] {
  if (!branding && ctx.crawls.length === 0) return segments;
  const b: Branding = branding ?? { logo: null, rating: null, nextUp: null, crawls: [] };
  return segments.map((s) => {
    const overlays = overlaysFor(s, b, ctx);
    return overlays.length ? { ...s, overlays } : s;
  });
}

/**
 * One crawl at a time (they share the foot of the picture): the operator's wins while it
 * runs; of scheduled ones that overlap, the one that began first keeps the band.
 */
export function oneCrawlAtATime(scheduled: CrawlWindow[], operator: CrawlWindow | null): CrawlWindow[] {
  const out: CrawlWindow[] = [];
  let busyUntil = -Infinity;
  for (const w of [...scheduled].sort((a, b) => a.startMs - b.startMs)) {
    const startMs = Math.max(w.startMs, busyUntil);
    if (w.endMs <= startMs) continue;
    // Around the operator's crawl: the part before it and the part after it.
    if (operator && operator.startMs < w.endMs && operator.endMs > startMs) {
      if (operator.startMs > startMs) out.push({ ...w, startMs, endMs: operator.startMs });
      if (operator.endMs < w.endMs) out.push({ ...w, startMs: operator.endMs });
    } else out.push({ ...w, startMs });
    busyUntil = Math.max(busyUntil, w.endMs);
  }
  if (operator) out.push(operator);
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** The windows of the scheduled crawls that overlap [fromMs, toMs), in station time. */
export function crawlWindows(crawls: readonly ResolvedCrawl[], timeZone: string, fromMs: number, toMs: number): CrawlWindow[] {
  if (crawls.length === 0 || toMs <= fromMs) return [];
  const out: CrawlWindow[] = [];
  // Local dates from the day before `fromMs` (a crawl past midnight) to the day of `toMs`.
  const first = toLocal(fromMs - 86_400_000, timeZone);
  const last = toLocal(toMs, timeZone);
  let d = { year: first.year, month: first.month, day: first.day };
  for (let guard = 0; guard < 400; guard++) {
    const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
    for (const c of crawls) {
      if (c.days.length && !c.days.includes(weekday)) continue;
      const startMs = fromLocal(timeZone, d.year, d.month, d.day, Math.floor(c.atMin / 60), c.atMin % 60);
      // The end is a wall-clock time too (a DST night is an hour shorter or longer): on the next day when it is not after the start.
      // "24:00" is the next day's midnight.
      const until = c.untilMin % 1440;
      const endDate = c.untilMin > c.atMin && c.untilMin < 1440 ? d : addLocalDays(d.year, d.month, d.day, 1);
      const endMs = fromLocal(timeZone, endDate.year, endDate.month, endDate.day, Math.floor(until / 60), until % 60);
      if (endMs > fromMs && startMs < toMs) out.push({ text: c.text, startMs, endMs });
    }
    if (d.year === last.year && d.month === last.month && d.day === last.day) break;
    d = addLocalDays(d.year, d.month, d.day, 1);
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}
