import { describe, expect, it } from 'vitest';
import type { PlayoutSegment } from '../producer/producer.ts';
import { mergeBranding, resolveBranding, type Branding } from './branding-spec.ts';
import { brandSegments, clockText, crawlWindows, overlaysFor, type BrandingContext, type ProgrammeFacts } from './overlay-plan.ts';

const LOGO = '/work/logo.png';
const T = Date.parse('2026-12-04T20:00:00Z');
const seg = (id: string, kind: PlayoutSegment['kind'], startMs: number, endMs: number, video = true): PlayoutSegment => ({
  eventId: id, kind, title: id, startMs, endMs, source: { type: 'file', path: `/m/${id}.mp4`, inPointMs: 0, hasVideo: video, hasAudio: true },
});
// As resolveBranding fills it in (which also checks the image can be read).
const B: Branding = {
  logo: { image: LOGO, corner: 'top-right', opacity: 0.7, heightPct: 12, marginPct: 4, duringBreaks: false },
  rating: { seconds: 10, corner: 'top-left' },
  nextUp: { seconds: 10, beforeEndSeconds: 20 },
  crawls: [],
};

function ctx(facts: Record<string, ProgrammeFacts>, crawls: BrandingContext['crawls'] = []): BrandingContext {
  return { timezone: 'America/New_York', facts: (s) => facts[s.eventId] ?? null, crawls };
}

describe('overlay plan', () => {
  it('puts the logo on programmes only, and over breaks too when asked', () => {
    const p = seg('p', 'program', T, T + 600_000);
    const c = seg('c', 'commercial', T + 600_000, T + 630_000);
    const pad = { ...seg('pad', 'pad', T, T + 1000), source: { type: 'black' as const } };
    expect(overlaysFor(p, B, ctx({})).map((o) => o.kind)).toEqual(['logo']);
    expect(overlaysFor(c, B, ctx({}))).toEqual([]);
    expect(overlaysFor(pad, B, ctx({}))).toEqual([]);
    const breaks: Branding = { ...B, logo: { ...B.logo!, duringBreaks: true } };
    expect(overlaysFor(c, breaks, ctx({})).map((o) => o.kind)).toEqual(['logo']);
    // Nothing to draw on a file without pictures.
    expect(overlaysFor(seg('a', 'program', T, T + 1000, false), B, ctx({}))).toEqual([]);
  });

  it('shows the rating for the first seconds of every part, and "next" before the last break only', () => {
    const part1 = seg('p1', 'program', T, T + 480_000);
    const part2 = seg('p2', 'program', T + 600_000, T + 1_500_000);
    const next = { title: 'Night Detective', startMs: Date.parse('2026-12-05T01:30:00Z') }; // 8:30 pm in New York
    const facts = { p1: { rating: 'TV-PG', lastPart: false, next: null }, p2: { rating: 'TV-PG', lastPart: true, next } };
    const o1 = overlaysFor(part1, B, ctx(facts));
    const o2 = overlaysFor(part2, B, ctx(facts));
    expect(o1.find((o) => o.kind === 'rating')).toEqual({ kind: 'rating', text: 'TV-PG', corner: 'top-left', fromMs: 0, untilMs: 10_000 });
    expect(o1.some((o) => o.kind === 'lower-third')).toBe(false);
    expect(o2.find((o) => o.kind === 'rating')).toMatchObject({ fromMs: 0, untilMs: 10_000 });
    // The part is 900 s long: "next" leaves 20 s before its end, after 10 s on screen.
    expect(o2.find((o) => o.kind === 'lower-third')).toEqual({ kind: 'lower-third', text: 'Next: Night Detective at 8:30', fromMs: 870_000, untilMs: 880_000 });
    // Unrated: no rating bug.
    expect(overlaysFor(part1, B, ctx({ p1: { rating: null, lastPart: false, next: null } })).map((o) => o.kind)).toEqual(['logo']);
  });

  it('turns parts off with false, and merges the station with the channel', () => {
    const merged = mergeBranding({ logo: {}, crawls: [{ text: 'a', at: '06:00', until: '07:00' }] }, { ratingBug: false, crawls: [{ text: 'b', at: '08:00', until: '09:00' }] });
    expect(merged).toEqual({ logo: {}, ratingBug: false, crawls: [{ text: 'a', at: '06:00', until: '07:00' }, { text: 'b', at: '08:00', until: '09:00' }] });
    const r = resolveBranding(JSON.stringify(merged), '/nonexistent/logo.png', () => {});
    expect(r?.rating).toBeNull();
    expect(r?.nextUp).toEqual({ seconds: 10, beforeEndSeconds: 20 });
    expect(r?.crawls.map((c) => [c.text, c.atMin, c.untilMin])).toEqual([['a', 360, 420], ['b', 480, 540]]);
    expect(mergeBranding(undefined, undefined)).toBeNull();
  });

  it('leaves the logo out, with a warning that says what to do, when its image cannot be read', () => {
    const warnings: string[] = [];
    const r = resolveBranding({ logo: { image: '/nonexistent/bug.png' } }, null, (m) => warnings.push(m));
    expect(r?.logo).toBeNull();
    expect(warnings[0]).toMatch(/bug\.png cannot be read.*check the path/);
    expect(() => resolveBranding('{not json', null)).toThrow(/re-import the station file/);
    expect(() => resolveBranding('{"logo":{"opacity":7}}', null)).toThrow(/not valid/);
  });

  it('clips a crawl to the segment and keeps its scroll phase from when it began', () => {
    const p = seg('p', 'program', T, T + 600_000);
    const crawl = { text: 'Snow day: schools closed', startMs: T - 60_000, endMs: T + 120_000 };
    expect(overlaysFor(p, B, ctx({}, [crawl])).find((o) => o.kind === 'crawl')).toEqual({ kind: 'crawl', text: crawl.text, fromMs: 0, untilMs: 120_000, sinceMs: T - 60_000 });
    // A commercial gets the crawl but not the logo.
    const c = seg('c', 'commercial', T + 100_000, T + 130_000);
    expect(overlaysFor(c, B, ctx({}, [crawl]))).toEqual([{ kind: 'crawl', text: crawl.text, fromMs: 0, untilMs: 20_000, sinceMs: T - 60_000 }]);
    expect(brandSegments([p], null, ctx({}))).toEqual([p]);
  });

  it('finds scheduled crawl windows in local time, past midnight and on their weekdays only', () => {
    const tz = 'America/New_York';
    // 23:30–00:30 every day; Fridays only 18:00–18:05.
    const crawls = [{ text: 'late', atMin: 23 * 60 + 30, untilMin: 30, days: [] }, { text: 'fri', atMin: 18 * 60, untilMin: 18 * 60 + 5, days: [5] }];
    const from = Date.parse('2026-12-04T05:00:00Z'); // Fri 00:00 in New York
    const w = crawlWindows(crawls, tz, from, from + 24 * 3600_000);
    expect(w.map((x) => [x.text, new Date(x.startMs).toISOString(), (x.endMs - x.startMs) / 60_000])).toEqual([
      ['late', '2026-12-04T04:30:00.000Z', 60], // Thu 23:30, still open at midnight
      ['fri', '2026-12-04T23:00:00.000Z', 5],
      ['late', '2026-12-05T04:30:00.000Z', 60],
    ]);
    expect(crawlWindows([], tz, from, from + 1)).toEqual([]);
  });

  it('says the time as a lower third does', () => {
    expect(clockText(Date.parse('2026-12-05T01:30:00Z'), 'America/New_York')).toBe('8:30');
    expect(clockText(Date.parse('2026-12-04T17:05:00Z'), 'America/New_York')).toBe('12:05');
    expect(clockText(Date.parse('2026-12-04T05:00:00Z'), 'America/New_York')).toBe('12:00');
  });
});

describe('crawls share the band', () => {
  const w = (text: string, a: number, b: number) => ({ text, startMs: a, endMs: b });
  it('gives the operator the band while it runs, and the earlier of two scheduled crawls', async () => {
    const { oneCrawlAtATime } = await import('./overlay-plan.ts');
    expect(oneCrawlAtATime([w('a', 0, 100), w('b', 50, 200)], null)).toEqual([w('a', 0, 100), w('b', 100, 200)]);
    expect(oneCrawlAtATime([w('a', 0, 100)], w('op', 30, 60))).toEqual([w('a', 0, 30), w('op', 30, 60), w('a', 60, 100)]);
    expect(oneCrawlAtATime([w('a', 40, 50)], w('op', 30, 60))).toEqual([w('op', 30, 60)]);
    expect(oneCrawlAtATime([w('a', 0, 100), w('b', 10, 90)], null)).toEqual([w('a', 0, 100)]);
  });

  it('ends a crawl at its wall-clock time across a DST change, and at the next midnight for 24:00', () => {
    const tz = 'America/New_York';
    // Spring forward 2027-03-14 (02:00 → 03:00): 01:30–03:00 local is half an hour of real time.
    const spring = crawlWindows([{ text: 's', atMin: 90, untilMin: 180, days: [] }], tz, Date.parse('2027-03-14T05:00:00Z'), Date.parse('2027-03-14T12:00:00Z'));
    expect(spring.map((x) => (x.endMs - x.startMs) / 60_000)).toEqual([30]);
    const allDay = crawlWindows([{ text: 'd', atMin: 0, untilMin: 1440, days: [] }], tz, Date.parse('2026-12-04T12:00:00Z'), Date.parse('2026-12-04T13:00:00Z'));
    expect(allDay.map((x) => (x.endMs - x.startMs) / 3_600_000)).toEqual([24]);
  });

  it('merges a channel\'s part over the station\'s key by key', () => {
    expect(mergeBranding({ logo: { image: '/a.png', opacity: 0.5 } }, { logo: { corner: 'top-left' } })).toEqual({ logo: { image: '/a.png', opacity: 0.5, corner: 'top-left' } });
    expect(mergeBranding({ logo: { image: '/a.png' } }, { logo: false })).toEqual({ logo: false });
  });
});
