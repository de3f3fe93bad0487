/**
 * The LAN-facing HTTP server: live MPEG-TS streams, the M3U playlist and the JSON
 * status API for IPTV clients and the console; it also serves the console itself.
 * Bad requests get a 4xx with a JSON body that says what was wrong and what to do.
 *
 * Watching is open to the LAN; changing what airs is not: every request that is not a
 * GET or HEAD needs the control token as a bearer token. No cookies, and no CORS on
 * control routes, so a web page on another site cannot drive the station from a browser.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { ApiError, ModeRequest, ModeSwitchResult } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import type { Logger } from '../logger.ts';
import { ChannelFailedError } from '../runtime/channel-manager.ts';
import { CHANNEL_MODES, EMERGENCY_STYLES, MAX_MESSAGE_CHARS, MAX_REASON_CHARS } from '../runtime/director-mode.ts';
import { ChannelDisabledError, DirectorSaveError, ModeRequestError, UnknownChannelError, type ProgramDirector } from '../runtime/program-director.ts';
import type { ScheduleReader } from '../runtime/schedule-reader.ts';
import { requestBaseUrl } from './base-url.ts';
import { buildM3u } from './m3u.ts';
import { registerScheduleRoutes } from './schedule-routes.ts';
import type { EpgEntry } from '../schedule/types.ts';
import { resourcesDir } from '../config/resources.ts';
import { CONTROL_TOKEN_FILE, tokensEqual } from './control-token.ts';
import { registerMonitoringRoutes, type MonitoringRoutesOptions } from './monitoring-routes.ts';
import { registerAsRunRoutes, type AsRunRoutesOptions } from './asrun-routes.ts';
import { registerHlsRoutes, servePlaylist } from './hls-routes.ts';
import type { HlsSessions } from '../runtime/hls/hls-sessions.ts';
import { isTunerScanRequest, registerHdhomerunRoutes, type HdhomerunOptions } from './hdhomerun-routes.ts';
import { registerIptvRoutes, type GuideData } from './iptv-routes.ts';
import { registerLibraryRoutes, type LibraryRoutesOptions } from './library-routes.ts';
import { DISABLED_HINT, registerChannelControlRoutes, type ChannelControlOptions } from './channel-control-routes.ts';
import { registerPosterRoutes, type PosterRoutesOptions } from './poster-routes.ts';

/** The schedule as the HTTP side reads it: on air, playlog, and the guide. */
export interface GuideReader extends ScheduleReader {
  epg(channelNumber: number, fromMs: number, toMs: number): EpgEntry[];
  /** How far a channel is built; the guide says when ?days= asks for more. */
  horizon?(channelNumber: number): { fromMs: number | null; untilMs: number | null };
}

export interface HttpServerOptions {
  director: ProgramDirector;
  schedule: GuideReader;
  clock: MasterClock;
  logger: Logger;
  /** Built console (out/renderer); served at / when present. */
  consoleDir?: string | null;
  stationName?: string;
  /** The bearer token every state-changing request must carry (see control-token.ts). */
  controlToken: string;
  /** HDHomeRun emulation (discover.json, lineup.json, device.xml) and the tuner limit; off when absent. */
  hdhomerun?: HdhomerunOptions;
  /** Library and station-file facts for the guide and playlist (descriptions, categories, logos, groups). */
  guide?: GuideData;
  /** Station health, the status feed and /metrics (absent: those routes are not served). */
  monitoring?: MonitoringRoutesOptions;
  /** The as-run log's read endpoints. */
  asRun?: AsRunRoutesOptions;
  /** Honour X-Forwarded-Proto/Host from a reverse proxy (true, or the proxy's address/CIDR). */
  trustProxy?: boolean | string;
  /** HLS from each channel's encoder (absent: no .m3u8). */
  hls?: HlsSessions;
  /** The library's read endpoints and its background scan. */
  library?: LibraryRoutesOptions;
  /** Enabling and disabling channels (POST /api/channels/{n}/enabled). */
  channelControl?: ChannelControlOptions;
  /** Poster frames of what is on now (GET /api/channels/{n}/poster.jpg). */
  posters?: PosterRoutesOptions;
}

function baseUrl(req: FastifyRequest): string {
  return requestBaseUrl(req);
}

function fail(reply: FastifyReply, code: number, error: string, hint?: string): FastifyReply {
  const body: ApiError = hint ? { error, hint } : { error };
  return reply.code(code).type('application/json').send(body);
}

/** Zod errors as one sentence naming the bad field. */
function describeIssues(where: string, error: z.ZodError): string {
  return error.issues.map((i) => `${where} '${i.path.join('.') || '(value)'}': ${i.message}`).join('; ');
}

const channelFile = z.object({ file: z.string().regex(/^\d{1,4}\.(ts|m3u8)$/, 'expected a channel number followed by .ts or .m3u8, e.g. 2.ts') });
const channelParam = z.object({ number: z.string().regex(/^\d{1,4}$/, 'expected a channel number') });
const TOKEN_HINT = `The control token is in the file '${CONTROL_TOKEN_FILE}' in the station's data directory, or in the ?token= link the station printed when it started. Send it as 'Authorization: Bearer <token>'.`;
/** Control requests are small; anything bigger is a mistake or an attack. */
const BODY_LIMIT_BYTES = 16 * 1024;

const modeBody = z.strictObject({
  mode: z.enum(CHANNEL_MODES as [ModeRequest['mode'], ...ModeRequest['mode'][]]),
  message: z.string().min(1).max(MAX_MESSAGE_CHARS).optional(),
  style: z.enum(EMERGENCY_STYLES as [NonNullable<ModeRequest['style']>, ...NonNullable<ModeRequest['style']>[]]).optional(),
  channels: z.array(z.number().int('must be whole channel numbers').min(1).max(9999)).min(1).max(200).optional(),
  reason: z.string().max(MAX_REASON_CHARS).optional(),
});
const crawlBody = z
  .object({
    text: z.string().min(1, 'must not be empty').max(500, 'must be 500 characters or fewer'),
    channels: z.array(z.number().int('must be whole channel numbers').min(1).max(9999)).min(1).max(200).optional(),
    minutes: z.number().int('must be whole minutes').min(1, 'must be 1 or more').max(1440, 'must be 1440 (a day) or fewer').optional(),
  })
  .strict();
const historyQuery = z.object({ limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(500, 'must be 500 or fewer').optional() }).strict();

/** Who asked, for the log: the operator's name when the client gives one, and always the address. */
function requester(req: FastifyRequest): string {
  const raw = req.headers['x-retrovue-operator'];
  const name = ((Array.isArray(raw) ? raw[0] : raw) ?? '').replace(/[^\x20-\x7e]/g, '').trim().slice(0, 64);
  return name ? `${name} (http ${req.ip})` : `http ${req.ip}`;
}

function bearer(req: FastifyRequest): string | null {
  const m = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? null;
}

const nowQuery = z.object({ at: z.iso.datetime({ offset: true, message: 'expected an ISO-8601 time with offset, e.g. 2026-11-21T06:00:00-05:00' }).optional() }).strict();

export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>> {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: 'http' }),
    forceCloseConnections: true,
    bodyLimit: BODY_LIMIT_BYTES,
    // Every request at info level drowns what matters (tune-ins, restarts, faults); failures are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Behind a reverse proxy, X-Forwarded-Proto/Host say how clients reached the station (see base-url.ts).
    trustProxy: opts.trustProxy ?? false,
  });
  const { director } = opts;
  if (!opts.controlToken) throw new Error('createHttpServer needs a controlToken (loadOrCreateToken(dataDir)).');

  // Runs before routing's body parsing: an unauthorised request is refused before anything is read or changed.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || isTunerScanRequest(req.method, req.url)) return;
    if (req.method === 'OPTIONS') {
      // Reading is open to web players on other origins; a preflight for anything else is answered
      // without Access-Control-Allow-*, so browsers refuse cross-site control requests.
      const asked = String(req.headers['access-control-request-method'] ?? '').toUpperCase();
      reply.code(204).header('Allow', 'GET, HEAD, POST, DELETE').header('Cache-Control', 'no-store');
      if (asked === 'GET' || asked === 'HEAD') {
        reply.headers({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range, Accept, Accept-Encoding', 'Access-Control-Max-Age': '600' });
      }
      return reply.send();
    }
    const presented = bearer(req);
    if (presented !== null && tokensEqual(presented, opts.controlToken)) return;
    reply.header('WWW-Authenticate', 'Bearer realm="RetroVue control"');
    return fail(reply, 401, presented === null ? `${req.method} ${req.url.split('?')[0]} changes the station and needs the control token.` : 'That control token is wrong.', TOKEN_HINT);
  });

  // Guides, playlists, streams and the read-only API may be read by web players elsewhere (no cookies, no credentials).
  app.addHook('onSend', async (req, reply, payload) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && !reply.hasHeader('Access-Control-Allow-Origin')) reply.header('Access-Control-Allow-Origin', '*');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 500) opts.logger.warn({ method: req.method, url: req.url.split('?')[0], status: reply.statusCode }, 'request failed');
  });

  app.setNotFoundHandler((req, reply) => fail(reply, 404, `Nothing at ${req.method} ${req.url}.`, 'See /iptv/channels.m3u for streams and /api/channels for status.'));
  app.setErrorHandler((err, _req, reply) => {
    // The station could not keep what was asked: say so, with what to do.
    if (err instanceof DirectorSaveError) return fail(reply, 500, err.message);
    const e = err as { statusCode?: number; message: string };
    const code = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (code === 500) opts.logger.error({ err }, 'request failed');
    return fail(reply, code, code === 500 ? 'Internal error; see the station log.' : e.message);
  });

  const streamUrl = (req: FastifyRequest) => (n: number) => `${baseUrl(req)}/iptv/channel/${n}.ts`;

  app.get('/api/health', async () => ({ ok: true, mode: director.globalMode(), now: new Date(opts.clock.nowMs()).toISOString() }));

  app.get('/api/channels', async (req) => director.statuses(streamUrl(req)));

  app.get('/api/director', async () => director.state());

  app.get('/api/director/history', async (req, reply) => {
    const q = historyQuery.safeParse(req.query);
    if (!q.success) return fail(reply, 400, describeIssues('query', q.error), 'Use ?limit=1 to ?limit=500 (default 50).');
    return director.history(q.data.limit ?? 50);
  });

  app.post('/api/director/mode', async (req, reply) => {
    const b = modeBody.safeParse(req.body);
    if (!b.success) return fail(reply, 400, describeIssues('body', b.error), 'Send JSON such as {"mode":"emergency","message":"…","style":"takeover"} or {"mode":"normal"}.');
    let result: ModeSwitchResult;
    try {
      result = await director.setMode(b.data, requester(req));
    } catch (err) {
      if (err instanceof ModeRequestError) return fail(reply, 400, `body '${err.field}': ${err.message}`);
      throw err;
    }
    // 409: a channel refused and everything went back; 500: the station itself failed (e.g. could not save).
    const code = result.ok ? 200 : result.channels.some((c) => !c.ok) ? 409 : 500;
    return reply.code(code).send(result);
  });

  app.get('/api/crawl', async () => ({ crawl: director.crawl() }));

  app.post('/api/crawl', async (req, reply) => {
    const b = crawlBody.safeParse(req.body);
    if (!b.success) return fail(reply, 400, describeIssues('body', b.error), 'Send JSON such as {"text":"School closings: …","minutes":30,"channels":[1]}.');
    try {
      const r = await director.setCrawl(b.data, requester(req));
      // 409: a channel on air could not cut to the crawl (it airs what it had); the body says which.
      return reply.code(r.refused.length ? 409 : 200).send(r);
    } catch (err) {
      if (err instanceof ModeRequestError) return fail(reply, 400, `body '${err.field}': ${err.message}`);
      throw err;
    }
  });

  app.delete('/api/crawl', async (req, reply) => {
    const r = await director.setCrawl(null, requester(req));
    return reply.code(r.refused.length ? 409 : 200).send(r);
  });

  app.post('/api/channels/:number/restart', async (req, reply) => {
    const p = channelParam.safeParse(req.params);
    if (!p.success) return fail(reply, 400, describeIssues('path', p.error));
    const n = Number(p.data.number);
    try {
      await director.restart(n, requester(req));
    } catch (err) {
      if (err instanceof UnknownChannelError) return fail(reply, 404, err.message, 'List channels at /api/channels.');
      opts.logger.error({ channel: n, err }, 'channel restart failed');
      return fail(reply, 503, `Channel ${n} could not restart: ${(err as Error).message}`, 'See the channel log (logs/channel-N.log in the data directory).');
    }
    return { ok: true, channel: n };
  });

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

  registerScheduleRoutes(app, { director, schedule: opts.schedule, clock: opts.clock, programs: opts.guide?.programs.bind(opts.guide) });
  const iptv = registerIptvRoutes(app, { director, schedule: opts.schedule, clock: opts.clock, guide: opts.guide });
  if (opts.monitoring) registerMonitoringRoutes(app, opts.monitoring);
  if (opts.asRun) registerAsRunRoutes(app, opts.asRun);
  if (opts.hls) registerHlsRoutes(app, opts.hls);
  if (opts.library) registerLibraryRoutes(app, opts.library);
  if (opts.channelControl) registerChannelControlRoutes(app, opts.channelControl);
  if (opts.posters) registerPosterRoutes(app, opts.posters);

  const m3uQuery = z.object({ format: z.enum(['ts', 'hls']).optional() }).strict();
  app.get('/iptv/channels.m3u', async (req, reply) => {
    const q = m3uQuery.safeParse(req.query);
    if (!q.success) return fail(reply, 400, describeIssues('query', q.error), 'Use ?format=hls for HLS (.m3u8) URLs, or no query for MPEG-TS.');
    if (q.data.format === 'hls' && !opts.hls) return fail(reply, 404, 'HLS is off on this station.', 'Use /iptv/channels.m3u for MPEG-TS.');
    const url = q.data.format === 'hls' ? (n: number) => `${baseUrl(req)}/iptv/channel/${n}.m3u8` : streamUrl(req);
    const channels = director.statuses(url).filter((c) => c.enabled);
    reply.type('audio/x-mpegurl; charset=utf-8');
    return buildM3u(baseUrl(req), channels, opts.stationName ?? 'RetroVue', iptv.m3uLooks(baseUrl(req)));
  });

  app.get('/iptv/channel/:file', async (req, reply) => {
    const p = channelFile.safeParse(req.params);
    if (!p.success) return fail(reply, 404, describeIssues('path', p.error), 'Streams are /iptv/channel/<number>.ts.');
    const number = Number(p.data.file.replace(/\.(ts|m3u8)$/, ''));
    if (p.data.file.endsWith('.m3u8')) {
      if (!opts.hls) return fail(reply, 404, 'HLS is off on this station.', 'Use /iptv/channel/<number>.ts.');
      if (req.method === 'HEAD') return reply.code(200).headers({ 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' }).send();
      return servePlaylist(opts.hls, number, reply, opts.logger);
    }
    if (req.method === 'HEAD') {
      // Headers only: probing a stream (players and tuners do) never puts a channel on the air.
      const channel = director.channels().find((c) => c.number === number);
      if (!channel) return fail(reply, 404, `There is no channel ${number}.`, 'List channels at /api/channels.');
      if (!channel.enabled) return fail(reply, 403, `Channel ${number} is disabled.`, DISABLED_HINT);
      return reply.code(200).headers({ 'Content-Type': 'video/mp2t', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' }).send();
    }
    const res = reply.raw;
    // Take the socket from fastify: the response is a live stream owned by the fanout.
    reply.hijack();
    const client = `${req.ip} ${req.headers['user-agent'] ?? ''}`.trim();
    try {
      await director.tune(number, res, client, () => {
        res.writeHead(200, { 'Content-Type': 'video/mp2t', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*', 'X-Content-Type-Options': 'nosniff' });
        res.flushHeaders();
      }, { address: req.ip, userAgent: String(req.headers['user-agent'] ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 200) });
    } catch (err) {
      const [code, hint] =
        err instanceof UnknownChannelError ? [404, 'List channels at /api/channels.'] :
        err instanceof ChannelDisabledError ? [403, DISABLED_HINT] :
        err instanceof ChannelFailedError ? [503, 'The channel could not go on air; see its log. Try again shortly.'] :
        [500, 'See the station log.'];
      if (code === 500) opts.logger.error({ err }, 'tune-in failed');
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error).message, hint } satisfies ApiError));
      }
    }
  });

  if (opts.hdhomerun) registerHdhomerunRoutes(app, { ...opts.hdhomerun, director, stationName: opts.stationName ?? 'RetroVue' });

  const icons = resourcesDir('icons');
  if (icons) await app.register(fastifyStatic, { root: icons, prefix: '/icons/', decorateReply: false });

  if (opts.consoleDir && existsSync(opts.consoleDir)) {
    await app.register(fastifyStatic, { root: opts.consoleDir, prefix: '/', index: ['index.html'], wildcard: false });
  } else {
    app.get('/', async (_req, reply) => reply.type('text/plain').send('RetroVue is on the air. The console has not been built: run `npm run build`.\n'));
  }
  return app;
}
