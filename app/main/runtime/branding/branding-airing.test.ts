/**
 * Branding on air, with real ffmpeg: a programme part and a commercial, planned by the
 * overlay planner, air through a channel output; the captured stream's pictures are
 * read pixel by pixel. The logo bug is on the programme's frames and off the spot's,
 * the rating bug shows at the part's start and then goes, the "next" lower third shows
 * in its window only, and the crawl runs over both.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/master-clock.ts';
import { resolveFfmpegBinaries } from '../../media/ffmpeg-binaries.ts';
import { makeTitleClip, runBinary } from '../../media/test-media.ts';
import { AssetAiring } from '../../test-support/asset-airing.ts';
import { segment, fileSource } from '../../test-support/segments.ts';
import { pollUntil } from '../../test-support/poll.ts';
import { makeTempDir } from '../../test-support/temp-dir.ts';
import { DEFAULT_PROFILE, type OutputProfile } from '../producer/output-profile.ts';
import type { PlayoutSegment } from '../producer/producer.ts';
import type { Branding } from './branding-spec.ts';
import { brandSegments } from './overlay-plan.ts';

const clock = new SystemClock();
const W = 320;
const H = 180;
const PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: W, height: H, videoBitrateKbps: 900, audioBitrateKbps: 96 };

/** Every frame of a captured stream as RGB. */
async function rgbFrames(ts: string): Promise<Buffer[]> {
  const r = await runBinary(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', ts, '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  const size = W * H * 3;
  const out: Buffer[] = [];
  for (let off = 0; off + size <= r.stdout.length; off += size) out.push(r.stdout.subarray(off, off + size));
  return out;
}

/** Mean [r, g, b] of a rectangle. */
function mean(f: Buffer, x0: number, y0: number, w: number, h: number): [number, number, number] {
  const s = [0, 0, 0];
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) for (let c = 0; c < 3; c++) s[c]! += f[(y * W + x) * 3 + c]!;
  return s.map((v) => v / (w * h)) as [number, number, number];
}

/** Median luma of a row band (text scrolling over part of it cannot move the median). */
function medianLuma(f: Buffer, y0: number, h: number): number {
  const v: number[] = [];
  for (let y = y0; y < y0 + h; y++) for (let x = 0; x < W; x += 2) v.push((f[(y * W + x) * 3]! + f[(y * W + x) * 3 + 1]! + f[(y * W + x) * 3 + 2]!) / 3);
  return v.sort((a, b) => a - b)[v.length >> 1]!;
}

describe('branding on air (real ffmpeg)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let airing: AssetAiring | null = null;
  let show = '';
  let spot = '';
  let logo = '';
  beforeAll(async () => {
    tmp = makeTempDir();
    // Flat grey pictures, so the branding's pixels stand out; a magenta, fully opaque logo.
    [show, spot] = await Promise.all([
      makeTitleClip(path.join(tmp.dir, 'show.mp4'), { seconds: 7, title: ' ', background: 'gray' }),
      makeTitleClip(path.join(tmp.dir, 'spot.mp4'), { seconds: 3, title: ' ', background: 'gray' }),
    ]);
    logo = path.join(tmp.dir, 'logo.png');
    const r = await runBinary(resolveFfmpegBinaries().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=magenta:s=64x64', '-frames:v', '1', '-y', logo]);
    expect(r.code).toBe(0);
  });
  afterEach(async () => {
    await airing?.stop();
    airing = null;
  });
  afterAll(() => tmp.cleanup());

  /** Air `segments` from station time T for `ms`, and read back every frame of what went out. */
  async function air(segments: PlayoutSegment[], T: number, ms: number, name: string, tailMs = 0) {
    airing = new AssetAiring({ profile: PROFILE, clock });
    const faults: unknown[] = [];
    airing.on('mediaFault', (f) => faults.push(f));
    const chunks: Buffer[] = [];
    airing.output.on('data', (d: Buffer) => chunks.push(d));
    const started = clock.monotonicMs();
    await airing.play(segments, T);
    await clock.sleep(started + ms - clock.monotonicMs());
    // On a saturated machine the output may be behind the clock: wait until it has written
    // the whole span (the samples below read frames by their time).
    const want = Math.ceil((ms * PROFILE.fpsNum) / PROFILE.fpsDen / 1000);
    await pollUntil(`${want} frames written`, () => (airing?.stats().framesWritten ?? 0) >= want, 30_000, 50);
    // Stopping ends the encoder; what it still holds (its lookahead, more when it is behind) is
    // lost, so a test that reads up to its last moment airs a little longer.
    await clock.sleep(tailMs);
    const stats = airing.stats();
    const health = airing.getHealth();
    await airing.stop();
    airing = null;
    const ts = path.join(tmp.dir, name);
    writeFileSync(ts, Buffer.concat(chunks));
    return { frames: await rgbFrames(ts), stats, health, faults };
  }

  it('draws the logo over programmes only, the rating bug and "next" in their windows, the crawl over both', async () => {
    const T = clock.nowMs();
    const branding: Branding = {
      logo: { image: logo, corner: 'top-right', opacity: 1, heightPct: 20, marginPct: 5, duringBreaks: false },
      rating: { seconds: 1.5, corner: 'top-left' },
      nextUp: { seconds: 3, beforeEndSeconds: 1 },
      crawls: [],
    };
    const segments = brandSegments([
      segment('show', T, T + 6000, fileSource(show), { kind: 'program' }),
      segment('spot', T + 6000, T + 9000, fileSource(spot), { kind: 'commercial' }),
    ], branding, {
      timezone: 'UTC',
      facts: (s) => (s.eventId === 'show' ? { rating: 'TV-PG', lastPart: true, next: { title: 'Night Detective', startMs: Date.parse('2026-12-04T20:30:00Z') } } : null),
      crawls: [{ text: 'Crawl: "quotes", [brackets]; %{pts}', startMs: T + 500, endMs: T + 60_000 }],
    });
    expect(segments[0]!.overlays!.map((o) => o.kind)).toEqual(['logo', 'rating', 'lower-third', 'crawl']);
    expect(segments[1]!.overlays!.map((o) => o.kind)).toEqual(['crawl']);

    const { frames, stats } = await air(segments, T, 8500, 'out.ts', 1500);
    expect(frames.length, 'every second sampled below went out').toBeGreaterThan(241);

    // Where each piece sits at 320×180: logo 36 px high, 9 px in from the top-right corner.
    const logoAt = (f: Buffer) => mean(f, W - 9 - 30, 9 + 4, 24, 24);
    const ratingCorner = (f: Buffer) => mean(f, 5, 5, 3, 3)[1]; // inside the box, left of and above the text
    const lowerThird = (f: Buffer) => mean(f, W - 30, Math.round(H * 0.72) + 4, 24, 12);
    const crawlBand = (f: Buffer) => medianLuma(f, H - 20 + 2, 16);
    const at = (s: number) => frames[Math.round(s * 30)]!;

    const sample = [0.5, 1, 2.5, 3.5, 4.2, 5.5, 7, 8].map((s) => ({ s, logo: logoAt(at(s)).map(Math.round), rating: Math.round(ratingCorner(at(s))), lower: lowerThird(at(s)).map(Math.round), crawl: Math.round(crawlBand(at(s))) }));
    console.info(`[measure] branding pixels: ${JSON.stringify(sample)}; late frames ${stats?.lateFrames ?? '?'}`);

    const magenta = ([r, g, b]: number[]) => r! > 200 && g! < 60 && b! > 200;
    const grey = ([r, g, b]: number[]) => Math.abs(r! - g!) < 20 && Math.abs(b! - g!) < 20 && g! > 100;
    // Logo: on every programme frame sampled, off the commercial.
    for (const s of [0.5, 2.5, 4.2, 5.5]) expect(magenta(logoAt(at(s))), `logo at ${s}s`).toBe(true);
    for (const s of [7, 8]) expect(grey(logoAt(at(s))), `no logo at ${s}s`).toBe(true);
    // Rating bug: the first 1.5 s only (a dark box over the grey).
    expect(ratingCorner(at(0.5))).toBeLessThan(95);
    expect(ratingCorner(at(2.5))).toBeGreaterThan(110);
    // Lower third: navy band in 2–5 s, not before or after.
    const navy = ([r, , b]: number[]) => b! > r! + 25 && r! < 80;
    expect(navy(lowerThird(at(3.5))), 'lower third at 3.5 s').toBe(true);
    expect(navy(lowerThird(at(4.2))), 'lower third at 4.2 s').toBe(true);
    for (const s of [1, 5.5, 7]) expect(grey(lowerThird(at(s))), `no lower third at ${s}s`).toBe(true);
    // Crawl: from 0.5 s over the programme and the commercial alike.
    expect(crawlBand(at(0.2))).toBeGreaterThan(110);
    for (const s of [1, 4.2, 7, 8]) expect(crawlBand(at(s)), `crawl at ${s}s`).toBeLessThan(70);
  });

  it('airs the programme without its branding when the logo file is bad, rather than the error slate', async () => {
    const bad = path.join(tmp.dir, 'bad.png');
    writeFileSync(bad, 'not a png');
    const T = clock.nowMs();
    const segments = brandSegments([segment('show', T, T + 3000, fileSource(show), { kind: 'program' })], {
      logo: { image: bad, corner: 'top-right', opacity: 1, heightPct: 20, marginPct: 5, duringBreaks: false }, rating: null, nextUp: null, crawls: [],
    }, { timezone: 'UTC', facts: () => null, crawls: [] });
    const { frames, health, faults } = await air(segments, T, 2000, 'bad.ts');
    console.info(`[measure] bad logo: ${frames.length} frames, health ${health.status}: ${health.detail ?? ''}`);
    expect(faults).toEqual([]);
    // The show's grey, not the error slate's blue.
    const last = frames.at(-1)!;
    const [r, g, b] = mean(last, 100, 60, 120, 60);
    expect(Math.abs(b - r)).toBeLessThan(15);
    expect(g).toBeGreaterThan(100);
  });
});
