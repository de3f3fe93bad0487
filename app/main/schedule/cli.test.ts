import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { ManualClock } from '../clock/master-clock.ts';
import { registerScheduleCommands } from '../cli/schedule-commands.ts';
import { ScheduleService } from './schedule-service.ts';
import { importStation } from './station-file.ts';
import { LibraryWriter, openTestDb, type TestDb } from './test-fixtures.ts';

const MIN = 60_000;
const open: TestDb[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  while (open.length) open.pop()?.close();
});

function station(): { t: TestDb; clock: ManualClock; schedule: ScheduleService } {
  const t = openTestDb();
  open.push(t);
  const lib = new LibraryWriter(t.db);
  for (let e = 1; e <= 6; e++) lib.add('shows/Space Patrol', { title: `Patrol ${e}`, durationMs: 22 * MIN, series: 'Space Patrol', season: 1, episode: e });
  for (let k = 0; k < 8; k++) lib.add('commercials', { durationMs: 30_000, kind: 'commercial' });
  lib.add('ids', { durationMs: 10_000, kind: 'station_id' });
  const clock = new ManualClock('2026-03-07T12:00:00Z');
  importStation(
    t.db,
    clock,
    `channels:
  - number: 3
    name: Three
    timezone: America/New_York
    zones: [{ name: All, start: "06:00", end: "06:00", play: series, sources: [{ collection: "shows/Space Patrol" }] }]
    pools: { commercials: [{ collection: commercials }], ids: [{ collection: ids }] }
`,
  );
  return { t, clock, schedule: new ScheduleService({ db: t.db, clock }) };
}

async function run(st: ReturnType<typeof station>, args: string[]): Promise<string> {
  const program = new Command('retrovue').option('--json').exitOverride();
  registerScheduleCommands(program, async () => ({ db: st.t.db, clock: st.clock, schedule: st.schedule }));
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return out;
}

describe('schedule CLI', () => {
  it('builds, then prints the EPG and playlog as JSON with the channel offset', async () => {
    const st = station();
    const built = JSON.parse(await run(st, ['schedule', 'build', '--days', '3', '--json'])) as { channels: Array<{ channelNumber: number; built: string[]; until: string }> };
    expect(built.channels[0]?.built.length).toBeGreaterThanOrEqual(3);
    expect(built.channels[0]?.until).toMatch(/-0[45]:00$/);
    const epg = JSON.parse(await run(st, ['--json', 'epg', '3', '--from', '2026-03-07T18:00:00-05:00', '--to', '2026-03-07T20:00:00-05:00'])) as {
      broadcastDayStart: string;
      entries: Array<{ start: string; end: string; title: string; season: number; episode: number; kind: string }>;
    };
    expect(epg.broadcastDayStart).toBe('06:00');
    expect(epg.entries.map((e) => e.start)).toEqual([
      '2026-03-07T18:00:00.000-05:00',
      '2026-03-07T18:30:00.000-05:00',
      '2026-03-07T19:00:00.000-05:00',
      '2026-03-07T19:30:00.000-05:00',
    ]);
    expect(epg.entries[0]).toMatchObject({ title: 'Space Patrol', season: 1, kind: 'program' });
    // Across the spring-forward night the offset changes.
    const night = JSON.parse(await run(st, ['--json', 'playlog', '3', '--from', '2026-03-08T01:50:00-05:00', '--to', '2026-03-08T03:10:00-04:00'])) as {
      events: Array<{ start: string; kind: string; inPointMs: number; durationMs: number; assetId: number | null }>;
    };
    expect(night.events.some((e) => e.start.endsWith('-05:00'))).toBe(true);
    expect(night.events.some((e) => e.start.endsWith('-04:00'))).toBe(true);
    expect(night.events.every((e) => typeof e.inPointMs === 'number' && e.durationMs > 0)).toBe(true);
    // Text output: a table.
    const text = await run(st, ['epg', '3', '--from', '2026-03-07T18:00:00-05:00', '--to', '2026-03-07T19:00:00-05:00']);
    expect(text).toMatch(/Space Patrol\s+S01E0\d Patrol \d\s+program/);
  });

  it('bounds --days and every range with a clear error, and lists a long playlog without overflowing', async () => {
    const st = station();
    open.push(st.t);
    await expect(run(st, ['schedule', 'build', '--days', '100000'])).rejects.toThrow('--days must be 1 to 60.');
    await expect(run(st, ['playlog', '3', '--from', '2026-03-07T12:00:00Z', '--to', '2027-03-07T12:00:00Z'])).rejects.toThrow(/playlog range is at most 14 days/);
    await expect(run(st, ['epg', '3', '--from', '2026-03-07T12:00:00Z', '--to', '2026-12-07T12:00:00Z'])).rejects.toThrow(/epg range is at most 60 days/);
    // Two weeks of playlog is tens of thousands of rows: printing them must not spread them into one call.
    const out = await run(st, ['playlog', '3', '--from', '2026-03-07T12:00:00Z', '--to', '2026-03-21T12:00:00Z']);
    expect(out.split('\n').length).toBeGreaterThan(1000);
  });

  it('exports the station as YAML and imports a file', async () => {
    const st = station();
    const yamlText = await run(st, ['station', 'export']);
    const doc = parse(yamlText) as { channels: Array<{ number: number; zones: unknown[] }> };
    expect(doc.channels[0]?.number).toBe(3);
    const file = path.join(st.t.dir, 'station.yaml');
    writeFileSync(file, yamlText.replace('name: Three', 'name: Three Renamed'));
    const imported = JSON.parse(await run(st, ['--json', 'station', 'import', file])) as { channels: Array<{ number: number; action: string }> };
    expect(imported.channels).toEqual([{ number: 3, action: 'updated' }]);
    expect(st.schedule.channelInfo(3)?.name).toBe('Three Renamed');
    await expect(run(st, ['epg', '99'])).rejects.toThrow(/No channel 99/);
    await expect(run(st, ['epg', '3', '--from', 'yesterday'])).rejects.toThrow(/ISO-8601/);
  });
});
