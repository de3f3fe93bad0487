/**
 * Read endpoints for the console's schedule grid: a channel's guide and its exact playlog
 * over a time range, from the ScheduleService's in-memory timeline. Reads never build: a
 * GET must not cost days of building, so an answer says how far the schedule is built
 * (`builtUntil`) instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { ApiError, EpgDto, EpgEntryDto, PlaylogDto, PlaylogEventDto, ScheduleRangeDto } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import type { Logger } from '../logger.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import type { ChannelIdentity } from '../runtime/channel-manager.ts';
import type { ChannelScheduleInfo } from '../schedule/schedule-service.ts';
import { broadcastDateAt, dayFrame, nextDate, parseHhMm } from '../schedule/time.ts';
import type { EpgEntry, PlaylogEvent } from '../schedule/types.ts';
import type { ProgramInfo } from '../library/program-info.ts';
import { programmeText } from './xmltv.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The longest spans one request reads, as the CLI bounds its listings. */
export const MAX_EPG_DAYS = 60;
export const MAX_PLAYLOG_DAYS = 14;
/** Items in one answer; a looping channel of short clips could otherwise list hundreds of thousands. */
export const MAX_ITEMS = 5000;

export interface ScheduleRoutesReader {
  epg(channelNumber: number, fromMs: number, toMs: number): EpgEntry[];
  playlog(channelNumber: number, fromMs: number, toMs: number): PlaylogEvent[];
  /** Day start, grid and plan kind (the ScheduleService has them; defaults otherwise). */
  channelInfo?(channelNumber: number): ChannelScheduleInfo | null;
  horizon?(channelNumber: number): { fromMs: number | null; untilMs: number | null };
}

export interface ScheduleRoutesOptions {
  director: { channels(): readonly Readonly<ChannelIdentity>[] };
  schedule: ScheduleRoutesReader;
  clock: MasterClock;
  /** Asset facts for the guide fields (description, categories, year, the real episode title); absent: the entries as built. */
  programs?(assetIds: Iterable<number>): ReadonlyMap<number, ProgramInfo>;
}

const ISO = z.iso.datetime({ offset: true, message: 'expected an ISO-8601 time with offset, e.g. 2026-11-21T06:00:00-05:00' });
const rangeQuery = z.object({ from: ISO.optional(), to: ISO.optional() }).strict();
const channelParam = z.object({ number: z.string().regex(/^\d{1,4}$/, 'expected a channel number') });

/** Send a refusal (a JSON ApiError); the caller then has no range to work with. */
function refuse(reply: FastifyReply, code: number, error: string, hint?: string): null {
  const body: ApiError = hint ? { error, hint } : { error };
  void reply.code(code).type('application/json').send(body);
  return null;
}

function describeIssues(where: string, error: z.ZodError): string {
  return error.issues.map((i) => `${where} '${i.path.join('.') || '(value)'}': ${i.message}`).join('; ');
}

type Range = { channel: Readonly<ChannelIdentity>; info: ChannelScheduleInfo; fromMs: number; toMs: number };

/** Every broadcast-day start in [fromMs, toMs). */
function dayStartsIn(info: ChannelScheduleInfo, fromMs: number, toMs: number): number[] {
  const dsm = parseHhMm(info.broadcastDayStart) ?? 360;
  const out: number[] = [];
  for (let date = broadcastDateAt(fromMs, info.timezone, dsm); ; date = nextDate(date)) {
    const start = dayFrame(info.timezone, date, dsm, info.gridMinutes * 60_000).startMs;
    if (start >= toMs) break;
    if (start >= fromMs) out.push(start);
  }
  return out;
}

/** The station's fastify app, as createHttpServer makes it (its logger is the station's). */
type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export function registerScheduleRoutes(app: StationApp, opts: ScheduleRoutesOptions): void {
  const { schedule, clock } = opts;

  /** The channel and range of a request, or a 400/404 already sent. */
  const readRange = (params: unknown, query: unknown, reply: FastifyReply, what: 'epg' | 'playlog'): Range | null => {
    const p = channelParam.safeParse(params);
    if (!p.success) return refuse(reply, 400, describeIssues('path', p.error));
    const q = rangeQuery.safeParse(query);
    const example = `?from=2026-11-21T06:00:00-05:00&to=2026-11-22T06:00:00-05:00`;
    if (!q.success) return refuse(reply, 400, describeIssues('query', q.error), `Use ${example} (both optional).`);
    const n = Number(p.data.number);
    const channel = opts.director.channels().find((c) => c.number === n);
    if (!channel) return refuse(reply, 404, `There is no channel ${n}.`, 'List channels at /api/channels.');
    const maxDays = what === 'epg' ? MAX_EPG_DAYS : MAX_PLAYLOG_DAYS;
    const fromMs = q.data.from ? Date.parse(q.data.from) : clock.nowMs();
    const toMs = q.data.to ? Date.parse(q.data.to) : fromMs + (what === 'epg' ? DAY_MS : 3 * HOUR_MS);
    if (toMs <= fromMs) return refuse(reply, 400, `query 'to': must be after 'from'.`, `Use ${example}.`);
    if (toMs - fromMs > maxDays * DAY_MS) {
      return refuse(reply, 400, `A ${what} range is at most ${maxDays} days; this one is ${((toMs - fromMs) / DAY_MS).toFixed(1)}.`, 'Ask for a shorter from/to range.');
    }
    const info = schedule.channelInfo?.(n) ?? {
      channelNumber: n, name: channel.name, timezone: channel.timezone, broadcastDayStart: '06:00', gridMinutes: 30, planKind: channel.planKind ?? 'schedule',
    };
    return { channel, info, fromMs, toMs };
  };

  const header = ({ channel, info, fromMs, toMs }: Range, truncated: boolean): ScheduleRangeDto => {
    const iso = (ms: number): string => toIsoInZone(ms, info.timezone);
    const until = schedule.horizon?.(channel.number).untilMs ?? null;
    return {
      channel: channel.number,
      name: channel.name,
      timezone: info.timezone,
      broadcastDayStart: info.broadcastDayStart,
      gridMinutes: info.gridMinutes,
      planKind: info.planKind,
      from: iso(fromMs),
      to: iso(toMs),
      builtUntil: info.planKind === 'guide' || until === Infinity ? 'forever' : until === null ? null : iso(until),
      dayStarts: dayStartsIn(info, fromMs, toMs).map(iso),
      truncated,
    };
  };

  app.get('/api/channels/:number/epg', async (req, reply) => {
    const range = readRange(req.params, req.query, reply, 'epg');
    if (!range) return reply;
    const { info } = range;
    const all = schedule.epg(range.channel.number, range.fromMs, range.toMs);
    const dsm = parseHhMm(info.broadcastDayStart) ?? 360;
    const day = (ms: number): string => {
      const d = broadcastDateAt(ms, info.timezone, dsm);
      return `${d.year}-${d.month}-${d.day}`;
    };
    const shown = all.slice(0, MAX_ITEMS);
    const programs = opts.programs?.(shown.flatMap((e) => (e.assetId !== null ? [e.assetId] : []))) ?? new Map<number, ProgramInfo>();
    const entries: EpgEntryDto[] = shown.map((e) => {
      // The same words the XMLTV guide uses, so the console and IPTV clients agree.
      const t = programmeText(e, e.assetId !== null ? programs.get(e.assetId) : undefined);
      return {
        start: toIsoInZone(e.startMs, info.timezone),
        end: toIsoInZone(e.endMs, info.timezone),
        title: t.title,
        subtitle: t.subTitle,
        season: e.season,
        episode: e.episode,
        kind: e.kind,
        assetId: e.assetId,
        carryOver: e.endMs > e.startMs && day(e.startMs) !== day(e.endMs - 1),
        description: t.desc,
        categories: t.categories,
        year: t.year,
        rating: t.rating ?? null,
      };
    });
    const body: EpgDto = { ...header(range, all.length > MAX_ITEMS), entries };
    return body;
  });

  app.get('/api/channels/:number/playlog', async (req, reply) => {
    const range = readRange(req.params, req.query, reply, 'playlog');
    if (!range) return reply;
    const tz = range.info.timezone;
    const all = schedule.playlog(range.channel.number, range.fromMs, range.toMs);
    const events: PlaylogEventDto[] = all.slice(0, MAX_ITEMS).map((e) => ({
      id: e.id,
      start: toIsoInZone(e.startMs, tz),
      end: toIsoInZone(e.endMs, tz),
      kind: e.kind,
      assetId: e.assetId,
      title: e.title,
      inPointMs: e.inPointMs,
      durationMs: e.durationMs,
      // The name only: the station's folders are nobody's business on the LAN.
      file: e.path ? path.basename(e.path) : null,
    }));
    const body: PlaylogDto = { ...header(range, all.length > MAX_ITEMS), events };
    return body;
  });
}
