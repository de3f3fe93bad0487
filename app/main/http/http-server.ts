/**
 * The LAN-facing HTTP server: live MPEG-TS streams, the M3U playlist and the JSON
 * status API for IPTV clients and the console; it also serves the console itself.
 * Bad requests get a 4xx with a JSON body that says what was wrong and what to do.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { ApiError } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import type { Logger } from '../logger.ts';
import { ChannelFailedError } from '../runtime/channel-manager.ts';
import { ChannelDisabledError, UnknownChannelError, type ProgramDirector } from '../runtime/program-director.ts';
import type { ScheduleReader } from '../runtime/schedule-reader.ts';
import { buildM3u } from './m3u.ts';
import { buildXmltv } from './xmltv.ts';
import type { EpgEntry } from '../schedule/types.ts';
import { resourcesDir } from '../config/resources.ts';

/** The schedule as the HTTP side reads it: on air, playlog, and the guide. */
export interface GuideReader extends ScheduleReader {
  epg(channelNumber: number, fromMs: number, toMs: number): EpgEntry[];
}

export interface HttpServerOptions {
  director: ProgramDirector;
  schedule: GuideReader;
  clock: MasterClock;
  logger: Logger;
  /** Built console (out/renderer); served at / when present. */
  consoleDir?: string | null;
  stationName?: string;
}

function baseUrl(req: FastifyRequest): string {
  const host = req.headers.host ?? `${req.hostname}`;
  return `${req.protocol}://${host}`;
}

function fail(reply: FastifyReply, code: number, error: string, hint?: string): FastifyReply {
  const body: ApiError = hint ? { error, hint } : { error };
  return reply.code(code).type('application/json').send(body);
}

/** Zod errors as one sentence naming the bad field. */
function describeIssues(where: string, error: z.ZodError): string {
  return error.issues.map((i) => `${where} '${i.path.join('.') || '(value)'}': ${i.message}`).join('; ');
}

const channelFile = z.object({ file: z.string().regex(/^\d{1,4}\.ts$/, 'expected a channel number followed by .ts, e.g. 2.ts') });
const channelParam = z.object({ number: z.string().regex(/^\d{1,4}$/, 'expected a channel number') });
const nowQuery = z.object({ at: z.iso.datetime({ offset: true, message: 'expected an ISO-8601 time with offset, e.g. 2026-11-21T06:00:00-05:00' }).optional() }).strict();

export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>> {
  const app = Fastify({ loggerInstance: opts.logger.child({ component: 'http' }), forceCloseConnections: true });
  const { director } = opts;

  app.setNotFoundHandler((req, reply) => fail(reply, 404, `Nothing at ${req.method} ${req.url}.`, 'See /iptv/channels.m3u for streams and /api/channels for status.'));
  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: number; message: string };
    const code = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (code === 500) opts.logger.error({ err }, 'request failed');
    return fail(reply, code, code === 500 ? 'Internal error; see the station log.' : e.message);
  });

  const streamUrl = (req: FastifyRequest) => (n: number) => `${baseUrl(req)}/iptv/channel/${n}.ts`;

  app.get('/api/health', async () => ({ ok: true, mode: director.globalMode(), now: new Date(opts.clock.nowMs()).toISOString() }));

  app.get('/api/channels', async (req) => director.statuses(streamUrl(req)));

  app.get('/api/channels/:number/now', async (req, reply) => {
    const p = channelParam.safeParse(req.params);
    if (!p.success) return fail(reply, 400, describeIssues('path', p.error));
    const q = nowQuery.safeParse(req.query);
    if (!q.success) return fail(reply, 400, describeIssues('query', q.error));
    const n = Number(p.data.number);
    const manager = director.manager(n);
    if (!manager) return fail(reply, 404, `There is no channel ${n}.`, 'List channels at /api/channels.');
    const at = q.data.at ? Date.parse(q.data.at) : opts.clock.nowMs();
    const on = opts.schedule.onAir(n, at);
    if (!on) return fail(reply, 404, `Nothing is scheduled on channel ${n} at ${new Date(at).toISOString()}.`, 'Build the schedule: retrovue schedule build.');
    const tz = manager.channel.timezone;
    return {
      channel: n, at: toIsoInZone(at, tz), eventId: on.event.id, kind: on.event.kind, assetId: on.event.assetId, title: on.event.title,
      start: toIsoInZone(on.event.startMs, tz), end: toIsoInZone(on.event.endMs, tz), offsetMs: on.offsetMs, inPointMs: on.event.inPointMs,
    };
  });

  app.get('/iptv/channels.m3u', async (req, reply) => {
    const channels = director.statuses(streamUrl(req)).filter((c) => c.enabled);
    reply.type('audio/x-mpegurl; charset=utf-8');
    return buildM3u(baseUrl(req), channels, opts.stationName ?? 'RetroVue');
  });

  const xmltvQuery = z.object({ days: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(14, 'must be 14 or fewer').optional() }).strict();
  app.get('/iptv/xmltv.xml', async (req, reply) => {
    const q = xmltvQuery.safeParse(req.query);
    if (!q.success) return fail(reply, 400, describeIssues('query', q.error), 'Use ?days=1 to ?days=14 (default 3).');
    const from = opts.clock.nowMs() - 2 * 3600_000;
    const to = opts.clock.nowMs() + (q.data.days ?? 3) * 86_400_000;
    const channels = director.channels().filter((c) => c.enabled).map((c) => ({
      number: c.number, name: c.name, timezone: c.timezone, entries: opts.schedule.epg(c.number, from, to),
    }));
    reply.type('application/xml; charset=utf-8');
    return buildXmltv(baseUrl(req), channels);
  });

  app.get('/iptv/channel/:file', async (req, reply) => {
    const p = channelFile.safeParse(req.params);
    if (!p.success) return fail(reply, 404, describeIssues('path', p.error), 'Streams are /iptv/channel/<number>.ts.');
    const number = Number(p.data.file.replace(/\.ts$/, ''));
    const res = reply.raw;
    // Take the socket from fastify: the response is a live stream owned by the fanout.
    reply.hijack();
    const client = `${req.ip} ${req.headers['user-agent'] ?? ''}`.trim();
    try {
      await director.tune(number, res, client, () => {
        res.writeHead(200, { 'Content-Type': 'video/mp2t', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*', 'X-Content-Type-Options': 'nosniff' });
        res.flushHeaders();
      });
    } catch (err) {
      const [code, hint] =
        err instanceof UnknownChannelError ? [404, 'List channels at /api/channels.'] :
        err instanceof ChannelDisabledError ? [403, 'Enable the channel in the console or the station file.'] :
        err instanceof ChannelFailedError ? [503, 'The channel could not go on air; see its log. Try again shortly.'] :
        [500, 'See the station log.'];
      if (code === 500) opts.logger.error({ err }, 'tune-in failed');
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error).message, hint } satisfies ApiError));
      }
    }
  });

  const icons = resourcesDir('icons');
  if (icons) await app.register(fastifyStatic, { root: icons, prefix: '/icons/', decorateReply: false });

  if (opts.consoleDir && existsSync(opts.consoleDir)) {
    await app.register(fastifyStatic, { root: opts.consoleDir, prefix: '/', index: ['index.html'], wildcard: false });
  } else {
    app.get('/', async (_req, reply) => reply.type('text/plain').send('RetroVue is on the air. The console has not been built: run `npm run build`.\n'));
  }
  return app;
}
