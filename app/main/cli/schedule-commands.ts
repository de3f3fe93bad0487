/** `schedule`, `epg`, `playlog` and `station` commands. Times print as ISO-8601 with the channel's offset. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { MasterClock } from '../clock/master-clock.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import type { Db } from '../db/database.ts';
import type { BuildSummary, ChannelScheduleInfo, ScheduleService } from '../schedule/schedule-service.ts';
import { exportStation, exportStationYaml, importStation, stationJsonSchema } from '../schedule/station-file.ts';
import { loadChannels } from '../schedule/store.ts';
import type { EpgEntry, PlanIssue, PlaylogEvent } from '../schedule/types.ts';
import { parseIsoTime, parseWholeNumber } from './cli-args.ts';
import { formatMs, printJson, printTable } from './output.ts';

export interface ScheduleCliStation {
  db: Db;
  clock: MasterClock;
  schedule: ScheduleService;
  /** Called when the command is done, if given. */
  close?: () => void | Promise<void>;
}

const DAY_MS = 24 * 3_600_000;

function parseTime(value: string | undefined, what: string, fallback: number): number {
  return value === undefined ? fallback : parseIsoTime(value, what);
}

function parseWhole(value: string | undefined, what: string): number | undefined {
  return value === undefined ? undefined : parseWholeNumber(value, what);
}

function channelOf(schedule: ScheduleService, n: number): ChannelScheduleInfo {
  const info = schedule.channelInfo(n);
  if (!info) throw new Error(`No channel ${n}. List channels with 'retrovue channel list'.`);
  return info;
}

function episodeLabel(e: EpgEntry): string {
  if (e.season === null && e.episode === null) return '';
  return `S${String(e.season ?? 0).padStart(2, '0')}E${String(e.episode ?? 0).padStart(2, '0')}`;
}

function issueLines(issues: PlanIssue[]): string {
  return issues.map((i) => `  ${i.severity}: ${i.message}`).join('\n');
}

/** A channel and a --from/--to range (built if needed), with the header every range listing prints. */
/** The most days `schedule build` makes at once, and the longest span a listing reads (more is a mistake, and a big one on disk). */
export const MAX_BUILD_DAYS = 60;
const MAX_RANGE_DAYS = { epg: 60, playlog: 14 };

async function channelRange(st: ScheduleCliStation, number: string, opts: { from?: string; to?: string }, defaultSpanMs: number, what: keyof typeof MAX_RANGE_DAYS) {
  const n = parseWholeNumber(number, 'channel number');
  const info = channelOf(st.schedule, n);
  const now = st.clock.nowMs();
  const from = parseTime(opts.from, '--from', now);
  const to = parseTime(opts.to, '--to', from + defaultSpanMs);
  if (to <= from) throw new Error('--to must be after --from.');
  const maxDays = MAX_RANGE_DAYS[what];
  if (to - from > maxDays * DAY_MS) throw new Error(`A ${what} range is at most ${maxDays} days; ask for a shorter --from/--to.`);
  if (to - now > MAX_BUILD_DAYS * DAY_MS) throw new Error(`--to is more than ${MAX_BUILD_DAYS} days ahead; the schedule is built at most that far.`);
  await ensureRange(st.schedule, n, now, to);
  const iso = (ms: number): string => toIsoInZone(ms, info.timezone);
  return { n, from, to, iso, header: { channel: n, timezone: info.timezone, broadcastDayStart: info.broadcastDayStart, from: iso(from), to: iso(to) } };
}

/** Make sure events cover [fromMs, toMs) in memory; builds (and stores) only what is missing. */
async function ensureRange(schedule: ScheduleService, n: number, now: number, toMs: number): Promise<void> {
  const h = schedule.horizon(n);
  if (h.untilMs !== null && h.untilMs >= toMs) return;
  const days = Math.min(62, Math.max(1, Math.ceil((toMs - now) / DAY_MS) + 1));
  await schedule.buildHorizon({ channelNumber: n, days });
}

function boundedDays(days: number | undefined): number | undefined {
  if (days !== undefined && (days < 1 || days > MAX_BUILD_DAYS)) throw new Error(`--days must be 1 to ${MAX_BUILD_DAYS}.`);
  return days;
}

export function registerScheduleCommands(program: Command, getStation: () => Promise<ScheduleCliStation>): void {
  const json = (): boolean => Boolean(program.opts<{ json?: boolean }>().json);
  const withStation = async <T>(fn: (st: ScheduleCliStation) => Promise<T> | T): Promise<T> => {
    const st = await getStation();
    try {
      return await fn(st);
    } finally {
      await st.close?.();
    }
  };

  const schedule = program.command('schedule').description('build and check channel schedules');
  schedule
    .command('build')
    .description('build the EPG and playlog ahead (stored days whose inputs are unchanged are kept)')
    .option('--channel <number>', 'only this channel')
    .option('--days <days>', 'days ahead to build (default 4)')
    .action((opts: { channel?: string; days?: string }) =>
      withStation(async (st) => {
        const summary: BuildSummary = await st.schedule.buildHorizon({
          channelNumber: parseWhole(opts.channel, '--channel'),
          days: boundedDays(parseWhole(opts.days, '--days')),
        });
        if (json()) {
          printJson({
            at: new Date(summary.atMs).toISOString(),
            channels: summary.channels.map((c) => {
              const tz = st.schedule.channelInfo(c.channelNumber)?.timezone ?? 'UTC';
              return {
                ...c,
                until: c.untilMs === null ? null : Number.isFinite(c.untilMs) ? toIsoInZone(c.untilMs, tz) : 'forever',
                untilMs: c.untilMs !== null && Number.isFinite(c.untilMs) ? c.untilMs : null,
              };
            }),
          });
          return;
        }
        for (const c of summary.channels) {
          const tz = st.schedule.channelInfo(c.channelNumber)?.timezone ?? 'UTC';
          const until = c.untilMs === null ? 'nothing built' : Number.isFinite(c.untilMs) ? `built until ${toIsoInZone(c.untilMs, tz)}` : 'loops forever';
          const days = c.planKind === 'loop' ? 'loop' : `${c.built.length} day(s) built, ${c.kept.length} kept`;
          process.stdout.write(`Channel ${c.channelNumber}: ${days}; ${until}\n`);
          if (c.issues.length) process.stdout.write(`${issueLines(c.issues)}\n`);
        }
      }),
    );
  schedule
    .command('report')
    .description("problems with channels' plans and built days (overlaps, empty pools, gaps)")
    .option('--channel <number>', 'only this channel')
    .action((opts: { channel?: string }) =>
      withStation((st) => {
        const only = parseWhole(opts.channel, '--channel');
        const numbers = only !== undefined ? [only] : loadChannels(st.db).map((c) => c.number);
        const report = numbers.map((n) => ({ channelNumber: n, issues: st.schedule.report(n) }));
        if (json()) printJson(report);
        else for (const r of report) process.stdout.write(`Channel ${r.channelNumber}: ${r.issues.length ? `\n${issueLines(r.issues)}` : 'no problems'}\n`);
      }),
    );

  program
    .command('epg <number>')
    .description('the program guide of a channel for a time range')
    .option('--from <iso>', 'start (default: now)')
    .option('--to <iso>', 'end (default: 24 hours after the start)')
    .action((number: string, opts: { from?: string; to?: string }) =>
      withStation(async (st) => {
        const { n, from, to, iso, header } = await channelRange(st, number, opts, DAY_MS, 'epg');
        const entries = st.schedule.epg(n, from, to);
        if (json()) {
          printJson({ ...header, entries: entries.map((e) => ({ start: iso(e.startMs), end: iso(e.endMs), ...e })) });
          return;
        }
        printTable(
          entries.map((e) => {
            const label = episodeLabel(e);
            // Scanned episode titles often repeat the series and code; print them once.
            const episode = e.subtitle && label && e.subtitle.includes(label) ? e.subtitle.replace(e.title, '').trim() || label : [label, e.subtitle].filter(Boolean).join(' ');
            return { start: iso(e.startMs), end: iso(e.endMs), title: e.title, episode: episode || null, kind: e.kind };
          }),
        );
      }),
    );

  program
    .command('playlog <number>')
    .description('the exact playlog (programs, breaks, spots) of a channel for a time range')
    .option('--from <iso>', 'start (default: now)')
    .option('--to <iso>', 'end (default: 3 hours after the start)')
    .action((number: string, opts: { from?: string; to?: string }) =>
      withStation(async (st) => {
        const { n, from, to, iso, header } = await channelRange(st, number, opts, 3 * 3_600_000, 'playlog');
        const events: PlaylogEvent[] = st.schedule.playlog(n, from, to);
        if (json()) {
          printJson({ ...header, events: events.map((e) => ({ start: iso(e.startMs), end: iso(e.endMs), ...e })) });
          return;
        }
        printTable(
          events.map((e) => ({ start: iso(e.startMs), duration: formatMs(e.durationMs), kind: e.kind, title: e.title, in: e.inPointMs ? formatMs(e.inPointMs) : null, asset: e.assetId })),
        );
      }),
    );

  const station = program.command('station').description('the station file: channels, plans, zones and break pools as YAML');
  station
    .command('import <file>')
    .description('create or update the channels, plans and pools of a station file')
    .option('--lenient', 'drop references that match nothing and logos that cannot be read (with a warning) instead of failing')
    .action((file: string, opts: { lenient?: boolean }) =>
      withStation(async (st) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
        }
        const result = importStation(st.db, st.clock, text, { lenient: Boolean(opts.lenient) });
        st.schedule.reload();
        const summary = await st.schedule.buildHorizon();
        const issues = summary.channels.flatMap((c) => c.issues.filter((i) => i.severity !== 'info').map((i) => ({ channelNumber: c.channelNumber, ...i })));
        if (json()) {
          printJson({ ...result, issues });
          return;
        }
        for (const c of result.channels) process.stdout.write(`Channel ${c.number} ${c.action}.\n`);
        for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
        for (const i of issues) process.stdout.write(`channel ${i.channelNumber} ${i.severity}: ${i.message}\n`);
      }),
    );
  station
    .command('export')
    .description('print the station file (YAML; JSON with --json)')
    .option('--out <file>', 'write to a file instead')
    .action((opts: { out?: string }) =>
      withStation((st) => {
        const text = json() ? `${JSON.stringify(exportStation(st.db), null, 2)}\n` : exportStationYaml(st.db);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
      }),
    );
  station
    .command('schema')
    .description('print the JSON Schema of the station file')
    .action(() => {
      process.stdout.write(`${JSON.stringify(stationJsonSchema(), null, 2)}\n`);
    });
}
