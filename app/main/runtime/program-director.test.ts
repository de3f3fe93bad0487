/**
 * The ProgramDirector's mode switch as a unit of work, over fake channels: all affected
 * channels switch or all go back, the scope of an emergency is respected, every attempt
 * is logged in station time, and new channels start in the station's mode.
 */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/master-clock.ts';
import { openStation } from '../station.ts';
import { channelIdentity, fakeDirector } from '../test-support/fake-channels.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { memoryDirectorStore, SqliteDirectorStore, type DirectorStore } from './director-store.ts';
import { ModeRequestError } from './program-director.ts';

const ALERT = 'Tornado warning for the county until 19:00. Take shelter now.';

describe('ProgramDirector mode switches', () => {
  it('puts every channel into an emergency and logs who, when (station time) and why', async () => {
    const { director, fakes, clock } = fakeDirector({ numbers: [1, 2, 3] });
    (clock as ManualClock).advance(90_000);
    const r = await director.setMode({ mode: 'emergency', message: ALERT, reason: 'NWS bulletin' }, 'http 10.0.0.5');
    expect(r.ok).toBe(true);
    expect(r.changed).toBe(true);
    expect(r.channels).toEqual([1, 2, 3].map((number) => ({ number, ok: true })));
    for (const f of fakes.values()) expect(f.spec).toEqual({ mode: 'emergency', message: ALERT, style: 'takeover' });
    expect(director.globalMode()).toBe('emergency');
    expect(director.state()).toEqual({ mode: 'emergency', since: '2026-11-21T18:01:30.000Z', message: ALERT, style: 'takeover', channels: null, by: 'http 10.0.0.5', reason: 'NWS bulletin' });
    expect(director.statuses((n) => `x/${n}`).map((s) => s.mode)).toEqual(['emergency', 'emergency', 'emergency']);
    expect(director.history(10)).toEqual([
      { id: 1, at: '2026-11-21T18:01:30.000Z', by: 'http 10.0.0.5', reason: 'NWS bulletin', mode: 'emergency', message: ALERT, style: 'takeover', channels: null, ok: true, error: null },
    ]);
    // Asking again changes nothing on air and keeps the original since/by, but is logged.
    const again = await director.setMode({ mode: 'emergency', message: ALERT }, 'cli bob');
    expect(again).toMatchObject({ ok: true, changed: false, channels: [] });
    expect(director.state()).toMatchObject({ since: '2026-11-21T18:01:30.000Z', by: 'http 10.0.0.5' });
    for (const f of fakes.values()) expect(f.calls).toHaveLength(1);
    expect(director.history(10).map((h) => h.by)).toEqual(['cli bob', 'http 10.0.0.5']);
  });

  it('when one channel cannot switch, every channel goes back and the result names the one that failed', async () => {
    const { director, fakes } = fakeDirector({ numbers: [1, 2, 3] });
    fakes.get(2)!.refuse = { mode: 'emergency', error: 'encoder would not cut' };
    const r = await director.setMode({ mode: 'emergency', message: ALERT, style: 'crawl' }, 'cli alice');
    expect(r.ok).toBe(false);
    expect(r.channels).toEqual([{ number: 1, ok: true }, { number: 2, ok: false, error: 'encoder would not cut' }, { number: 3, ok: true }]);
    expect(r.error).toMatch(/channel 2 could not switch to emergency: encoder would not cut/);
    expect(r.error).toMatch(/Every channel is back in normal mode/);
    // Each channel was asked to switch, then (all of them) to return.
    for (const f of fakes.values()) {
      expect(f.calls.map((c) => c.mode)).toEqual(['emergency', 'normal']);
      expect(f.spec).toEqual({ mode: 'normal' });
    }
    expect(r.state.mode).toBe('normal');
    expect(director.globalMode()).toBe('normal');
    expect(director.statuses((n) => `${n}`).map((s) => s.mode)).toEqual(['normal', 'normal', 'normal']);
    const [logged] = director.history(5);
    expect(logged).toMatchObject({ ok: false, by: 'cli alice', mode: 'emergency', style: 'crawl' });
    expect(logged?.error).toMatch(/channel 2/);
  });

  it('a failed switch returns each channel to its own previous mode (a scoped emergency stays scoped)', async () => {
    const { director, fakes } = fakeDirector({ numbers: [1, 2, 3] });
    expect((await director.setMode({ mode: 'emergency', message: ALERT, channels: [1] }, 'op')).ok).toBe(true);
    fakes.get(3)!.refuse = { mode: 'guide', error: 'no guide today' };
    const r = await director.setMode({ mode: 'guide' }, 'op');
    expect(r.ok).toBe(false);
    expect(r.channels.find((c) => !c.ok)).toEqual({ number: 3, ok: false, error: 'no guide today' });
    expect(fakes.get(1)!.spec).toEqual({ mode: 'emergency', message: ALERT, style: 'takeover' });
    expect(fakes.get(2)!.spec).toEqual({ mode: 'normal' });
    expect(fakes.get(3)!.spec).toEqual({ mode: 'normal' });
    expect(director.state()).toMatchObject({ mode: 'emergency', channels: [1], message: ALERT });
    expect(director.statuses((n) => `${n}`).map((s) => s.mode)).toEqual(['emergency', 'normal', 'normal']);
  });

  it('an emergency scoped to some channels switches only those; clearing it touches only those', async () => {
    const { director, fakes } = fakeDirector({ numbers: [1, 2, 3] });
    const on = await director.setMode({ mode: 'emergency', message: ALERT, channels: [3, 1, 3] }, 'op');
    expect(on.ok).toBe(true);
    expect(on.state.channels).toEqual([1, 3]);
    expect(on.channels.map((c) => c.number)).toEqual([1, 3]);
    expect(fakes.get(2)!.calls).toEqual([]);
    expect(director.statuses((n) => `${n}`).map((s) => [s.number, s.mode])).toEqual([[1, 'emergency'], [2, 'normal'], [3, 'emergency']]);
    const off = await director.setMode({ mode: 'normal' }, 'op');
    expect(off.channels.map((c) => c.number)).toEqual([1, 3]);
    expect(fakes.get(2)!.calls).toEqual([]);
    for (const f of fakes.values()) expect(f.spec).toEqual({ mode: 'normal' });
  });

  it('refuses invalid requests before touching any channel, naming the field, and logs nothing', async () => {
    const { director, fakes } = fakeDirector({ numbers: [1, 2] });
    const cases: [Parameters<typeof director.setMode>[0], string, RegExp][] = [
      [{ mode: 'emergency' }, 'message', /needs a message/],
      [{ mode: 'emergency', message: '   ' }, 'message', /needs a message/],
      [{ mode: 'emergency', message: 'x'.repeat(501) }, 'message', /501 characters/],
      [{ mode: 'emergency', message: 'bell\u0007' }, 'message', /printable/],
      [{ mode: 'emergency', message: ALERT, channels: [2, 9] }, 'channels', /no channel 9/],
      [{ mode: 'emergency', message: ALERT, channels: [] }, 'channels', /at least one/],
      [{ mode: 'guide', message: 'hello' }, 'message', /only to emergency/],
      [{ mode: 'maintenance', channels: [1] }, 'channels', /only to emergency/],
      [{ mode: 'party' as 'normal' }, 'mode', /Unknown mode 'party'/],
      [{ mode: 'emergency', message: ALERT, style: 'scroll' as 'crawl' }, 'style', /Unknown style/],
    ];
    for (const [req, field, message] of cases) {
      const err = await director.setMode(req, 'op').catch((e: unknown) => e);
      expect(err, JSON.stringify(req)).toBeInstanceOf(ModeRequestError);
      expect((err as ModeRequestError).field, JSON.stringify(req)).toBe(field);
      expect((err as Error).message, JSON.stringify(req)).toMatch(message);
    }
    for (const f of fakes.values()) expect(f.calls).toEqual([]);
    expect(director.history(50)).toEqual([]);
    expect(director.globalMode()).toBe('normal');
  });

  it('a channel added during an emergency starts in it, before any viewer tunes in', async () => {
    const { director, fakes } = fakeDirector({ numbers: [1] });
    await director.setMode({ mode: 'emergency', message: ALERT, style: 'crawl' }, 'op');
    director.loadChannels([channelIdentity(1), channelIdentity(4)]);
    const four = fakes.get(4)!;
    expect(four.calls).toEqual([{ mode: 'emergency', message: ALERT, style: 'crawl' }]);
    await director.syncChannels([channelIdentity(1), channelIdentity(4), channelIdentity(5)]);
    expect(fakes.get(5)!.calls).toEqual([{ mode: 'emergency', message: ALERT, style: 'crawl' }]);
    expect(director.statuses((n) => `${n}`).map((s) => s.mode)).toEqual(['emergency', 'emergency', 'emergency']);
  });

  it('a tune-in waits until the new channel carries the station mode', async () => {
    const { director, fakes, hooks } = fakeDirector({ numbers: [1] });
    await director.setMode({ mode: 'maintenance' }, 'op');
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => (open = r));
    hooks.onCreate = (f) => (f.gate = gate);
    director.loadChannels([channelIdentity(2)]);
    const two = fakes.get(2)!;
    expect(two.calls).toEqual([{ mode: 'maintenance' }]);
    const sink = new PassThrough();
    const tuned = director.tune(2, sink, 'test');
    await new Promise((r) => setImmediate(r));
    expect(two.tuneIns, 'no tune-in reaches the channel while it is still taking the mode').toBe(0);
    open();
    await tuned;
    expect(two.tuneIns).toBe(1);
    expect(two.spec).toEqual({ mode: 'maintenance' });
    sink.destroy();
    await director.shutdown();
  });

  it('runs switches one at a time, in the order asked', async () => {
    const { director, fakes } = fakeDirector({ numbers: [1] });
    let open: () => void = () => {};
    fakes.get(1)!.gate = new Promise<void>((r) => (open = r));
    const first = director.setMode({ mode: 'guide' }, 'a');
    const second = director.setMode({ mode: 'maintenance' }, 'b');
    await new Promise((r) => setImmediate(r));
    expect(fakes.get(1)!.calls.map((c) => c.mode)).toEqual(['guide']);
    open();
    expect((await first).ok).toBe(true);
    expect((await second).ok).toBe(true);
    expect(fakes.get(1)!.calls.map((c) => c.mode)).toEqual(['guide', 'maintenance']);
    expect(director.state().by).toBe('b');
    expect(director.history(5).map((h) => h.by)).toEqual(['b', 'a']);
  });

  it('if the new mode cannot be saved, the switch is undone and reported', async () => {
    const mem = memoryDirectorStore();
    const store: DirectorStore = { ...mem, save: () => { throw new Error('SQLITE_FULL: database or disk is full'); } };
    const { director, fakes } = fakeDirector({ numbers: [1, 2], store });
    const r = await director.setMode({ mode: 'emergency', message: ALERT }, 'op');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/could not save the new mode \(SQLITE_FULL/);
    for (const f of fakes.values()) expect(f.spec).toEqual({ mode: 'normal' });
    expect(director.globalMode()).toBe('normal');
    expect(director.history(5)[0]).toMatchObject({ ok: false, mode: 'emergency' });
  });

  it('restart reaches the channel manager; an unknown channel is refused', async () => {
    const { director, fakes } = fakeDirector({ numbers: [1] });
    await director.restart(1, 'op');
    expect(fakes.get(1)!.restarts).toBe(1);
    await expect(director.restart(8, 'op')).rejects.toThrow(/no channel 8/);
  });
});

describe('ProgramDirector state in SQLite', () => {
  it('an emergency survives a restart of the station, and every switch is logged with who and why', async () => {
    const tmp = makeTempDir();
    try {
      const data = path.join(tmp.dir, 'data');
      const clock = new ManualClock('2026-11-21T18:00:00Z');
      let st = openStation({ dataDir: data, clock });
      let run = fakeDirector({ numbers: [1, 2], store: new SqliteDirectorStore(st.db), clock });
      expect((await run.director.setMode({ mode: 'guide', reason: 'overnight' }, 'http 127.0.0.1')).ok).toBe(true);
      clock.advance(60_000);
      run.fakes.get(2)!.refuse = { mode: 'emergency', error: 'cut failed' };
      expect((await run.director.setMode({ mode: 'emergency', message: ALERT }, 'cli bob')).ok).toBe(false);
      run.fakes.get(2)!.refuse = null;
      clock.advance(60_000);
      expect((await run.director.setMode({ mode: 'emergency', message: ALERT, style: 'crawl', channels: [2], reason: 'flood' }, 'cli bob')).ok).toBe(true);
      await run.director.shutdown();
      st.close();

      st = openStation({ dataDir: data, clock });
      run = fakeDirector({ numbers: [1, 2], store: new SqliteDirectorStore(st.db), clock });
      expect(run.director.state()).toEqual({ mode: 'emergency', since: '2026-11-21T18:02:00.000Z', message: ALERT, style: 'crawl', channels: [2], by: 'cli bob', reason: 'flood' });
      expect(run.fakes.get(1)!.calls).toEqual([]);
      expect(run.fakes.get(2)!.calls).toEqual([{ mode: 'emergency', message: ALERT, style: 'crawl' }]);
      expect(run.director.statuses((n) => `${n}`).map((s) => s.mode)).toEqual(['normal', 'emergency']);
      const rows = st.database.sqlite.prepare('SELECT at_ms, by, reason, mode, ok, error, channels FROM mode_changes ORDER BY id').all() as Record<string, unknown>[];
      expect(rows.map((r) => [r.by, r.reason, r.mode, r.ok, r.channels])).toEqual([
        ['http 127.0.0.1', 'overnight', 'guide', 1, null],
        ['cli bob', null, 'emergency', 0, null],
        ['cli bob', 'flood', 'emergency', 1, '[2]'],
      ]);
      expect(rows[0]?.at_ms).toBe(Date.parse('2026-11-21T18:00:00Z'));
      expect(String(rows[1]?.error)).toMatch(/channel 2 could not switch to emergency: cut failed/);
      expect(run.director.history(2).map((h) => h.id)).toEqual([3, 2]);
      await run.director.shutdown();
      st.close();
    } finally {
      tmp.cleanup();
    }
  });

  it("the operator's crawl survives a restart until its time runs out; a stopped one stays stopped", async () => {
    const tmp = makeTempDir();
    try {
      const data = path.join(tmp.dir, 'data');
      const clock = new ManualClock('2026-11-21T18:00:00Z');
      const restart = async (run?: ReturnType<typeof fakeDirector>, st?: ReturnType<typeof openStation>) => {
        await run?.director.shutdown();
        st?.close();
        const next = openStation({ dataDir: data, clock });
        return { st: next, run: fakeDirector({ numbers: [1, 2], store: new SqliteDirectorStore(next.db), clock }) };
      };
      let { st, run } = await restart();
      const started = await run.director.setCrawl({ text: 'School closings: Elm Street School', minutes: 30, channels: [2] }, 'http 10.0.0.5');
      expect(started.refused).toEqual([]);
      const first = run.fakes.get(2)!.crawls[0]!;

      clock.advance(10 * 60_000);
      ({ st, run } = await restart(run, st));
      const crawl = { text: 'School closings: Elm Street School', channels: [2], since: '2026-11-21T18:00:00.000Z', until: '2026-11-21T18:30:00.000Z', by: 'http 10.0.0.5' };
      expect(run.director.crawl()).toEqual(crawl);
      expect(run.fakes.get(1)!.crawls).toEqual([]);
      expect(run.fakes.get(2)!.crawls).toEqual([first]);

      // A new crawl after a restart is a new crawl to the channels, even with the same text.
      const again = await run.director.setCrawl({ text: 'School closings: Elm Street School', channels: [2] }, 'op');
      expect(again.crawl?.until).toBeNull();
      expect(run.fakes.get(2)!.crawls.at(-1)!.id).not.toBe(first.id);
      await run.director.setCrawl({ text: 'School closings: Elm Street School', minutes: 30, channels: [2] }, 'http 10.0.0.5');

      clock.advance(31 * 60_000);
      ({ st, run } = await restart(run, st));
      expect(run.director.crawl(), 'run out while the station was down').toBeNull();
      expect([...run.fakes.values()].flatMap((f) => f.crawls)).toEqual([]);

      await run.director.setCrawl({ text: 'Open-ended' }, 'op');
      await run.director.setCrawl(null, 'op');
      ({ st, run } = await restart(run, st));
      expect(run.director.crawl()).toBeNull();
      expect([...run.fakes.values()].flatMap((f) => f.crawls)).toEqual([]);
      await run.director.shutdown();
      st.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('a crawl that cannot be saved is refused before any channel shows it', async () => {
    const tmp = makeTempDir();
    try {
      const st = openStation({ dataDir: path.join(tmp.dir, 'data') });
      const { director, fakes } = fakeDirector({ numbers: [1], store: new SqliteDirectorStore(st.db) });
      st.database.sqlite.pragma('query_only = ON');
      await expect(director.setCrawl({ text: 'Storm warning' }, 'op')).rejects.toThrow(/could not save the crawl \(.*\); check the data directory's disk space and permissions/);
      expect(fakes.get(1)!.crawls).toEqual([]);
      expect(director.crawl()).toBeNull();
      st.database.sqlite.pragma('query_only = OFF');
      expect(new SqliteDirectorStore(st.db).loadCrawl()).toBeNull();
      await director.shutdown();
      st.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('writes fail loudly: a read-only database makes the switch fail, and nothing changes', async () => {
    const tmp = makeTempDir();
    try {
      const data = path.join(tmp.dir, 'data');
      const st = openStation({ dataDir: data });
      st.database.sqlite.pragma('query_only = ON');
      const { director, fakes } = fakeDirector({ numbers: [1], store: new SqliteDirectorStore(st.db) });
      const r = await director.setMode({ mode: 'maintenance' }, 'op');
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/could not save the new mode/);
      expect(fakes.get(1)!.spec).toEqual({ mode: 'normal' });
      st.database.sqlite.pragma('query_only = OFF');
      expect(new SqliteDirectorStore(st.db).load()).toBeNull();
      st.close();
    } finally {
      tmp.cleanup();
    }
  });
});
