/**
 * The as-run log from real playout: a ChannelManager airs programme → commercial → bumper
 * (and a commercial whose file is missing) on real ffmpeg, its air evidence goes to an
 * AsRunLogger writing a real SQLite file, and the rows are checked against the plan.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { openDatabase, type StationDatabase } from '../db/database.ts';
import { silentLogger } from '../logger.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { ChannelManager } from '../runtime/channel-manager.ts';
import { DEFAULT_PROFILE, type OutputProfile } from '../runtime/producer/output-profile.ts';
import { createPlayoutFactory } from '../runtime/producer-factory.ts';
import type { ScheduleReader } from '../runtime/schedule-reader.ts';
import type { EventKind, PlaylogEvent } from '../schedule/types.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { AsRunLogger } from './asrun-logger.ts';
import { AsRunStore, type AsRunRow } from './asrun-store.ts';

const clock = new SystemClock();
const PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 400, audioBitrateKbps: 64 };
const FRAME_MS = 1000 / PROFILE.fpsNum * PROFILE.fpsDen;

/** One cycle: programme 4 s, commercial 2 s, bumper 1 s, a commercial whose file is gone 2 s. */
const CYCLE: { kind: EventKind; ms: number; file: 'clip' | 'missing'; title: string }[] = [
  { kind: 'program', ms: 4000, file: 'clip', title: 'The Show' },
  { kind: 'commercial', ms: 2000, file: 'clip', title: 'Soap — 2s' },
  { kind: 'bumper', ms: 1000, file: 'clip', title: 'We will be right back' },
  { kind: 'commercial', ms: 2000, file: 'missing', title: 'Vanished spot' },
];
const CYCLE_MS = CYCLE.reduce((s, c) => s + c.ms, 0);

describe('as-run from real playout', () => {
  const tmp = makeTempDir('retrovue-asrun-');
  let clip = '';
  let epoch = 0;
  let db: StationDatabase;
  const missing = path.join(tmp.dir, 'gone', 'vanished-spot.mp4');

  function ev(i: number): PlaylogEvent {
    const cycle = Math.floor(i / CYCLE.length);
    const k = ((i % CYCLE.length) + CYCLE.length) % CYCLE.length;
    const startMs = epoch + cycle * CYCLE_MS + CYCLE.slice(0, k).reduce((s, c) => s + c.ms, 0);
    const c = CYCLE[k]!;
    return { id: `e${i}`, channelNumber: 1, startMs, endMs: startMs + c.ms, kind: c.kind, assetId: 10 + k, title: c.title, inPointMs: 0, durationMs: c.ms, path: c.file === 'clip' ? clip : missing, hasVideo: true, hasAudio: true };
  }
  const indexAt = (t: number) => {
    const cycle = Math.floor((t - epoch) / CYCLE_MS);
    let pos = t - epoch - cycle * CYCLE_MS;
    let k = 0;
    while (pos >= CYCLE[k]!.ms) pos -= CYCLE[k++]!.ms;
    return cycle * CYCLE.length + k;
  };
  const schedule: ScheduleReader = {
    onAir: (_n, at) => ({ event: ev(indexAt(at)), offsetMs: at - ev(indexAt(at)).startMs }),
    playlog(_n, from, until) {
      const out: PlaylogEvent[] = [];
      for (let i = indexAt(from); ev(i).startMs < until; i++) out.push(ev(i));
      return out;
    },
  };

  beforeAll(async () => {
    clip = await makeFrameNumberedClip(path.join(tmp.dir, 'clip.mp4'), { seconds: 5, width: 320, height: 180, gop: 15 });
    db = openDatabase(path.join(tmp.dir, 'retrovue.db'));
  });
  afterAll(() => {
    db?.close();
    tmp.cleanup();
  });

  it('writes one row per airing whose actual start is the planned start to the frame; a missing file is a slate entry with its reason; an emergency is its own entry', async () => {
    // Tune in 1.5 s into a programme: the first entry is joined mid-programme.
    epoch = clock.nowMs() - 1500;
    const store = new AsRunStore(db.db);
    const asRun = new AsRunLogger({ store, schedule, clock, logger: silentLogger(), flushEveryMs: 250 });
    const manager = new ChannelManager({
      channel: { uuid: 'u1', number: 1, name: 'One', timezone: 'UTC', enabled: true },
      clock, schedule, profile: PROFILE, playout: createPlayoutFactory({ clock, logDir: null }), logger: silentLogger(), lingerMs: 0,
    });
    manager.on('air', (e) => asRun.record(1, e));
    const session = await manager.tuneIn('test');
    // Through one whole cycle and into the next programme.
    await clock.sleep(epoch + CYCLE_MS + 1500 - clock.nowMs());
    await manager.setMode({ mode: 'emergency', message: 'Test of the alert system', style: 'takeover' });
    await clock.sleep(1500);
    await manager.setMode({ mode: 'normal' });
    await clock.sleep(1500);
    manager.tuneOut(session.id);
    await manager.reconcile();
    asRun.stop();

    const rows = store.overlapping(epoch - 60_000, clock.nowMs() + 60_000, 1);
    const show = (r: AsRunRow) => `${r.kind}:${r.title}:${r.producer}`;
    const kinds = rows.map(show);
    expect(kinds[0]).toBe('on-air:On the air:asset');
    expect(kinds.at(-1)).toMatch(/^off-air:Off the air \(no viewers\)/);
    expect(rows.every((r) => r.status === 'closed')).toBe(true);

    // The planned sequence, in order, as the first entries after on-air.
    const planned = rows.filter((r) => r.eventId !== null);
    expect(planned.slice(0, 5).map((r) => `${r.kind}:${r.producer}`)).toEqual(['program:asset', 'commercial:asset', 'bumper:asset', 'commercial:slate', 'program:asset']);

    const first = planned[0]!;
    expect(first.eventId).toBe('e0');
    expect(first.inPointMs).toBeGreaterThan(1000);
    for (const r of planned.slice(1, 5)) {
      // Actual start = planned start, to the frame; length counted in frames.
      expect(Math.abs(r.actualStartMs - r.plannedStartMs!)).toBeLessThanOrEqual(FRAME_MS);
      expect(r.inPointMs).toBeLessThan(FRAME_MS);
    }
    for (const r of planned.slice(1, 4)) {
      const plannedFrames = ((r.plannedEndMs! - r.plannedStartMs!) * PROFILE.fpsNum) / (1000 * PROFILE.fpsDen);
      expect(Math.abs(r.frames - plannedFrames)).toBeLessThanOrEqual(1);
      expect(Math.abs(r.actualEndMs! - r.plannedEndMs!)).toBeLessThanOrEqual(FRAME_MS);
    }
    const slate = planned[3]!;
    expect(slate.deviation).toContain('vanished-spot.mp4');
    expect(slate.deviation).toContain('error slate');
    // Read on the LAN: the file's name, never the station's folders.
    expect(slate.deviation).not.toContain(tmp.dir);

    const emergency = rows.find((r) => r.kind === 'emergency');
    expect(emergency, kinds.join('\n')).toBeDefined();
    expect(emergency!.producer).toBe('emergency');
    expect(emergency!.eventId).toBeNull();
    expect(emergency!.deviation).toContain('Test of the alert system');
    expect(emergency!.frames).toBeGreaterThan(20);
    // The programme interrupted by the alert closes where the alert began, and resumes after it.
    const i = rows.indexOf(emergency!);
    expect(rows[i - 1]!.actualEndMs).toBe(emergency!.actualStartMs);
    // The schedule resumes where the clock is (on a busy machine the switch may land in the next event).
    const resumed = rows[i + 1]!;
    expect(resumed.eventId).not.toBeNull();
    expect(resumed.producer).toBe('asset');
    expect(resumed.actualStartMs).toBe(emergency!.actualEndMs);
    expect(resumed.inPointMs).toBeCloseTo(resumed.actualStartMs - resumed.plannedStartMs!, -2);
    // Entries tile the time on air: each starts where the one before ended.
    const aired = rows.filter((r) => r.kind !== 'on-air' && r.kind !== 'off-air');
    for (let k = 1; k < aired.length; k++) expect(aired[k]!.actualStartMs).toBe(aired[k - 1]!.actualEndMs);
    console.log(`as-run: ${aired.length} entries over ${((aired.at(-1)!.actualEndMs! - aired[0]!.actualStartMs) / 1000).toFixed(1)} s on air; start error vs plan ≤ ${Math.max(...planned.slice(1, 5).map((r) => Math.abs(r.actualStartMs - r.plannedStartMs!))).toFixed(1)} ms`);
  }, 60_000);
});
