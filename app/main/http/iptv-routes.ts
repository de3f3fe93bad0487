/**
 * The guide side IPTV clients poll: the XMLTV guide (gzip when asked, and as xmltv.xml.gz),
 * per-channel logos, and how each channel looks in the M3U playlist (logo, group). Every
 * URL in them is built from the Host the client used, through safeBaseUrl only.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { z } from 'zod';
import type { ApiError } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import type { ProgramInfo } from '../library/program-info.ts';
import type { ProgramDirector } from '../runtime/program-director.ts';
import type { EpgEntry } from '../schedule/types.ts';
import { requestBaseUrl } from './base-url.ts';
import { channelLogoPng } from './channel-logo.ts';
import type { StationApp } from './hdhomerun-routes.ts';
import type { M3uLook } from './m3u.ts';
import { buildXmltv } from './xmltv.ts';

const gzip = promisify(gzipCallback);
const DAY_MS = 86_400_000;
/** The guide starts a little in the past, so what is on now is always in it. */
const GUIDE_BACK_MS = 2 * 3600_000;
const DEFAULT_DAYS = 3;
const MAX_DAYS = 14;

/** How the station file says a channel should look in IPTV clients. */
export interface ChannelLook {
  /** An http(s) URL, or an absolute path to an image file served at /iptv/logos/N.ext. */
  logo: string | null;
  group: string | null;
  language: string | null;
}

/** Library and station-file facts the guide adds to the schedule's entries. */
export interface GuideData {
  looks(): ReadonlyMap<number, ChannelLook>;
  programs(assetIds: Iterable<number>): ReadonlyMap<number, ProgramInfo>;
}

export interface IptvSchedule {
  epg(channelNumber: number, fromMs: number, toMs: number): EpgEntry[];
  /** How far a channel is built (Infinity for loops); absent = unknown, never clamped. */
  horizon?(channelNumber: number): { untilMs: number | null };
}

export interface IptvContext {
  director: ProgramDirector;
  schedule: IptvSchedule;
  clock: MasterClock;
  guide?: GuideData;
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml', '.webp': 'image/webp' };
const logoFile = z.object({ file: z.string().regex(/^\d{1,4}\.(png|jpe?g|svg|webp)$/, 'expected a channel number and an image extension, e.g. 2.png') });
/** Bounds the guide's cost per channel (14 days of a 30-minute grid with breaks is ~700 entries). */
const MAX_GUIDE_ENTRIES_PER_CHANNEL = 5000;
const GUIDE_CACHE_MS = 60_000;
/** The guide is read a few hours at a time, so a channel that reaches the cap stops early. */
const GUIDE_CHUNK_MS = 3 * 3_600_000;

const xmltvQuery = z.object({ days: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(MAX_DAYS, `must be ${MAX_DAYS} or fewer`).optional() }).strict();

function baseUrl(req: FastifyRequest): string {
  return requestBaseUrl(req);
}

function fail(reply: FastifyReply, code: number, error: string, hint?: string): FastifyReply {
  const body: ApiError = hint ? { error, hint } : { error };
  return reply.code(code).type('application/json').send(body);
}

/** True when the client takes gzip (and did not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return (coding === 'gzip' || coding === 'x-gzip') && (q === undefined || Number(q) > 0);
  });
}

/** The logo URL clients are given: the station file's URL, or ours for a local file or a generated logo. */
export function logoUrl(base: string, number: number, look: ChannelLook | undefined): string {
  const logo = look?.logo ?? null;
  if (logo && /^https?:\/\//.test(logo)) return logo;
  const ext = logo ? path.extname(logo).toLowerCase() : '.png';
  return `${base}/iptv/logos/${number}${IMAGE_TYPES[ext] ? ext : '.png'}`;
}

export interface IptvRoutes {
  /** Each channel's logo URL and group for the M3U playlist, for a client at `base`. */
  m3uLooks(base: string): Map<number, M3uLook>;
}

export function registerIptvRoutes(app: StationApp, ctx: IptvContext): IptvRoutes {
  const { director } = ctx;
  const looks = (): ReadonlyMap<number, ChannelLook> => ctx.guide?.looks() ?? new Map();

  /** The guide document, and the header that says when ?days= asked for more than is built. */
  const guideCache = new Map<string, { atMs: number; doc: { xml: string; clamped: string | null } }>();
  const guide = (req: FastifyRequest, days: number): { xml: string; clamped: string | null } => {
    // Clients poll the guide; the same document for a minute costs nothing and changes nothing they see.
    const key = `${baseUrl(req)}|${days}`;
    const hit = guideCache.get(key);
    const now = ctx.clock.nowMs();
    if (hit && now - hit.atMs < GUIDE_CACHE_MS && now >= hit.atMs) return hit.doc;
    const doc = buildGuide(req, days);
    if (guideCache.size > 16) guideCache.clear();
    guideCache.set(key, { atMs: now, doc });
    return doc;
  };
  const buildGuide = (req: FastifyRequest, days: number): { xml: string; clamped: string | null } => {
    const base = baseUrl(req);
    const now = ctx.clock.nowMs();
    const from = now - GUIDE_BACK_MS;
    const to = now + days * DAY_MS;
    const all = looks();
    let builtUntil = Infinity;
    const channels = director.channels().filter((c) => c.enabled).map((c) => {
      const until = ctx.schedule.horizon?.(c.number).untilMs ?? Infinity;
      if (c.planKind !== 'guide' && until !== null && until < to) builtUntil = Math.min(builtUntil, until);
      const look = all.get(c.number);
      // A loop of very short clips lists hundreds of thousands of items: the guide is built on the
      // event loop that paces every channel, so its work is bounded (a real day has ~50 items).
      const entries: ReturnType<typeof ctx.schedule.epg> = [];
      for (let t = from; t < to && entries.length < MAX_GUIDE_ENTRIES_PER_CHANNEL; t += GUIDE_CHUNK_MS) {
        // Entries overlapping a chunk boundary appear in both chunks: keep the first.
        for (const e of ctx.schedule.epg(c.number, t, Math.min(to, t + GUIDE_CHUNK_MS))) if (e.startMs >= t || t === from) entries.push(e);
      }
      entries.length = Math.min(entries.length, MAX_GUIDE_ENTRIES_PER_CHANNEL);
      return { number: c.number, name: c.name, timezone: c.timezone, entries, iconUrl: logoUrl(base, c.number, look), lang: look?.language ?? 'en' };
    });
    const ids = channels.flatMap((c) => c.entries.map((e) => e.assetId).filter((id): id is number => id !== null));
    const xml = buildXmltv(base, channels, ctx.guide?.programs(ids) ?? new Map());
    const served = Number.isFinite(builtUntil) ? Math.max(0, Math.floor(((builtUntil - now) / DAY_MS) * 100) / 100) : null;
    return { xml, clamped: served !== null ? `requested=${days}; served=${served}; built-until=${new Date(builtUntil).toISOString()}` : null };
  };

  const guideDays = (req: FastifyRequest, reply: FastifyReply): number | null => {
    const q = xmltvQuery.safeParse(req.query);
    if (!q.success) {
      void fail(reply, 400, q.error.issues.map((i) => `query '${i.path.join('.') || '(value)'}': ${i.message}`).join('; '), `Use ?days=1 to ?days=${MAX_DAYS} (default ${DEFAULT_DAYS}).`);
      return null;
    }
    return q.data.days ?? DEFAULT_DAYS;
  };

  app.get('/iptv/xmltv.xml', async (req, reply) => {
    const days = guideDays(req, reply);
    if (days === null) return reply;
    const { xml, clamped } = guide(req, days);
    if (clamped) reply.header('X-RetroVue-Days-Clamped', clamped);
    reply.type('application/xml; charset=utf-8').header('Vary', 'Accept-Encoding');
    if (!acceptsGzip(req.headers['accept-encoding'])) return xml;
    return reply.header('Content-Encoding', 'gzip').send(await gzip(xml));
  });

  app.get('/iptv/xmltv.xml.gz', async (req, reply) => {
    const days = guideDays(req, reply);
    if (days === null) return reply;
    const { xml, clamped } = guide(req, days);
    if (clamped) reply.header('X-RetroVue-Days-Clamped', clamped);
    return reply.type('application/gzip').header('Content-Disposition', 'inline; filename="xmltv.xml.gz"').send(await gzip(xml));
  });

  app.get('/iptv/logos/:file', async (req, reply) => {
    const p = logoFile.safeParse(req.params);
    if (!p.success) return fail(reply, 404, `No logo at ${req.url.split('?')[0]}: expected /iptv/logos/<channel number>.png.`);
    const [num, ext] = p.data.file.split('.') as [string, string];
    const number = Number(num);
    if (!director.channels().some((c) => c.number === number)) return fail(reply, 404, `There is no channel ${number}.`, 'List channels at /iptv/channels.m3u.');
    const local = looks().get(number)?.logo ?? null;
    reply.header('Cache-Control', 'public, max-age=3600');
    if (local && path.isAbsolute(local) && path.extname(local).toLowerCase() === `.${ext}`) {
      try {
        return reply.type(IMAGE_TYPES[`.${ext}`] as string).send(await readFile(local));
      } catch (err) {
        req.log.warn({ err, channel: number, logo: local }, 'channel logo file unreadable; serving the generated one');
      }
    }
    if (ext !== 'png') return fail(reply, 404, `Channel ${number} has no .${ext} logo.`, `Its logo is at /iptv/logos/${number}.png.`);
    return reply.type('image/png').send(channelLogoPng(number));
  });

  return {
    m3uLooks(base) {
      const all = looks();
      return new Map(director.channels().map((c) => [c.number, { logoUrl: logoUrl(base, c.number, all.get(c.number)), group: all.get(c.number)?.group ?? null }]));
    },
  };
}
