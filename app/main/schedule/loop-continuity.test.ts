/** A looping channel keeps what is on air through a rescan that changes its collection, and a restart. */
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { assets, collections, sources } from '../db/schema/index.ts';
import { openStation, type Station } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { ScheduleService } from './schedule-service.ts';

const T0 = Date.parse('2026-11-21T12:00:00Z');

describe('loop channel continuity', () => {
  const tmp = makeTempDir();
  let station: Station;
  afterEach(() => station?.close());

  function addAsset(collectionId: number, sourceId: number, name: string, durationMs: number): number {
    const now = T0;
    return station.db
      .insert(assets)
      .values({
        sourceId, collectionId, path: path.join(tmp.dir, name), relPath: `loop/${name}`, sizeBytes: 1, mtimeMs: 1, state: 'ready', kind: 'program', title: name,
        durationMs, createdAtMs: now, updatedAtMs: now,
      })
      .returning({ id: assets.id })
      .get().id;
  }

  it('an added file does not move what is on air; a retired one hands over to the next at that moment', () => {
    const clock = new ManualClock(T0);
    station = openStation({ dataDir: path.join(tmp.dir, 'a'), clock });
    const src = station.db.insert(sources).values({ name: 's', path: tmp.dir, createdAtMs: T0 }).returning().get();
    const col = station.db.insert(collections).values({ sourceId: src.id, name: 'loop', relPath: 'loop' }).returning().get();
    const a = addAsset(col.id, src.id, 'a.mp4', 60_000);
    const c = addAsset(col.id, src.id, 'c.mp4', 90_000);
    station.channels.addLoop({ number: 1, name: 'Loop', collection: 'loop', startMs: T0, timezone: 'UTC' });

    const svc = new ScheduleService({ db: station.db, clock });
    clock.advance(10 * 150_000 + 75_000); // cycle 150 s: 15 s into c.mp4
    const before = svc.onAir(1, clock.nowMs())!;
    expect(before.event.assetId).toBe(c);
    expect(before.offsetMs).toBe(15_000);

    // A scan adds b.mp4, which sorts between a and c: the loop is re-anchored, c stays on.
    const b = addAsset(col.id, src.id, 'b.mp4', 30_000);
    svc.reload();
    const after = svc.onAir(1, clock.nowMs())!;
    expect(after.event.assetId).toBe(c);
    expect(after.offsetMs).toBe(15_000);
    // ... and the new order follows: c, then a, then b.
    const next = svc.playlog(1, clock.nowMs(), clock.nowMs() + 200_000).map((e) => e.assetId);
    expect(next.slice(0, 4)).toEqual([c, a, b, c]);

    // A restart reads the same anchor.
    clock.advance(5_000);
    const restarted = new ScheduleService({ db: station.db, clock }).onAir(1, clock.nowMs())!;
    expect(restarted.event.assetId).toBe(c);
    expect(restarted.offsetMs).toBe(20_000);

    // c is retired mid-air: the next surviving item (a) starts at that moment.
    station.db.update(assets).set({ state: 'retired' }).where(eq(assets.id, c)).run();
    const svc2 = new ScheduleService({ db: station.db, clock });
    const handover = svc2.onAir(1, clock.nowMs())!;
    expect(handover.event.assetId).toBe(a);
    expect(handover.offsetMs).toBe(0);
    tmp.cleanup();
  });
});
