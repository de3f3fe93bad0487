/**
 * `status` (the running station's health) and `asrun` (what aired, read from the data
 * directory's database, so it works whether or not the station is running).
 */
import type { Command } from 'commander';
import type { StationStatusDto } from '../../shared/types.ts';
import { asRunDay, broadcastDayOf, toCsv, type ChannelDay } from '../asrun/asrun-report.ts';
import { AsRunStore } from '../asrun/asrun-store.ts';
import { LibraryError } from '../library/library-errors.ts';
import type { CliContext } from './cli-context.ts';
import { formatMs, printJson, printTable } from './output.ts';
import { StationClient } from './station-client.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

function mb(bytes: number | null): string {
  return bytes === null ? '-' : `${Math.round(bytes / 1048576)} MB`;
}

export function registerMonitoringCommands(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("the running station's health: every channel's producer, viewers, bitrate, restarts and process costs")
    .action(async () => {
      const { status, body } = await StationClient.find(ctx.dataDir()).get<StationStatusDto>('/api/status');
      if (status !== 200) throw new LibraryError(`The station answered ${status} to /api/status; is it an older RetroVue?`);
      if (ctx.json()) return printJson(body);
      const s = body.system;
      process.stdout.write(`Station: ${body.mode} mode, ${body.channelsOnAir} of ${body.channels.length} channels on air; CPU ${s.cpuPercent ?? '-'}%, load ${s.load.join(' ')}, station ${mb(s.rssBytes)}, free ${mb(s.memFreeBytes)} of ${mb(s.memTotalBytes)}\n\n`);
      printTable(body.channels.map((c) => ({
        ch: c.number, name: c.name, status: c.producerStatus, producer: c.producerKind ?? '-', mode: c.mode,
        uptime: c.onAirSince ? formatMs(c.uptimeMs) : '-', viewers: c.viewers.length, kbps: Math.round(c.bitrateBps / 1000),
        frames: c.frames.produced, late: c.frames.late, padded: c.frames.padded, restarts: c.restarts.encoder + c.restarts.decoder,
        cpu: c.processes.map((p) => `${p.role[0]}${p.cpuPercent ?? '-'}%`).join(' ') || '-',
        now: c.nowPlaying?.title ?? '-',
      })));
      for (const c of body.channels.filter((x) => x.conditions.length)) process.stdout.write(`\nChannel ${c.number}: ${c.conditions.join('; ')}\n`);
    });

  program
    .command('asrun')
    .description('what actually aired, per channel and broadcast day (from the as-run log)')
    .option('--channel <n>', 'one channel (default: every channel)')
    .option('--day <YYYY-MM-DD>', 'broadcast day (default: today on each channel)')
    .option('--format <format>', `${FORMATS.join(', ')} (default: table; --json means json)`)
    .action(async (opts: { channel?: string; day?: string; format?: string }) => {
      const format = opts.format ?? (ctx.json() ? 'json' : 'table');
      if (!(FORMATS as readonly string[]).includes(format)) throw new LibraryError(`--format must be one of ${FORMATS.join(', ')} (got '${format}').`);
      if (opts.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.day)) throw new LibraryError(`--day must be a date as YYYY-MM-DD (got '${opts.day}').`);
      await ctx.withStation((station) => {
        const wanted = opts.channel === undefined ? null : ctx.intArg(opts.channel, '--channel');
        const rows = station.channels.list().filter((c) => wanted === null || c.number === wanted);
        if (wanted !== null && rows.length === 0) throw new LibraryError(`No channel ${wanted}. List channels with 'retrovue channel list'.`);
        const store = new AsRunStore(station.db);
        const entries = rows.flatMap((c) => {
          const day: ChannelDay = { number: c.number, timezone: c.timezone, broadcastDayStart: c.broadcastDayStart };
          try {
            return asRunDay(store, [day], opts.day ?? broadcastDayOf(day, station.clock.nowMs()));
          } catch (err) {
            throw new LibraryError((err as Error).message);
          }
        });
        if (format === 'json') return printJson(entries);
        if (format === 'csv') return void process.stdout.write(toCsv(entries));
        printTable(entries.map((e) => ({
          ch: e.channel, day: e.broadcastDay, start: e.actualStart.slice(11, 23), end: e.actualEnd?.slice(11, 23) ?? 'on air', frames: e.frames,
          kind: e.kind, title: e.title, producer: e.producer ?? '-', planned: e.plannedStart?.slice(11, 23) ?? '-', status: e.status, deviation: e.deviation ?? '',
        })));
      });
    });
}
