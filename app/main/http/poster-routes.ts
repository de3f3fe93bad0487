/**
 * GET /api/channels/{n}/poster.jpg: a still of what channel n airs now, at the current offset
 * (to 10 s), for the multiview's off-air tiles. Nothing goes on the air for it: the still is
 * read from the scheduled file. 404 when nothing with a picture is scheduled, 503 when the
 * still cannot be made (the JSON body says why); the console then keeps its title card.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { ApiError } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import type { Logger } from '../logger.ts';
import type { ScheduleReader } from '../runtime/schedule-reader.ts';
import { PosterBusyError, PosterCache } from './poster-cache.ts';

type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

/** A still of `file` at `offsetMs`, as JPEG. */
export type PosterExtractor = (file: string, offsetMs: number) => Promise<Buffer>;

export interface PosterRoutesOptions {
  schedule: Pick<ScheduleReader, 'onAir'>;
  clock: MasterClock;
  has(n: number): boolean;
  extract: PosterExtractor;
  cache?: PosterCache;
}

export const POSTER_BUCKET_MS = 10_000;

const param = z.object({ number: z.string().regex(/^\d{1,4}$/, 'expected a channel number') });
// ?t= lets the console ask for a fresh still each bucket without the browser's cache in the way.
const query = z.strictObject({ t: z.string().max(32).optional() });

export function registerPosterRoutes(app: StationApp, opts: PosterRoutesOptions): PosterCache {
  const cache = opts.cache ?? new PosterCache();
  app.get('/api/channels/:number/poster.jpg', async (req, reply) => {
    const p = param.safeParse(req.params);
    if (!p.success) return reply.code(400).send({ error: `path 'number': ${p.error.issues[0]?.message}` } satisfies ApiError);
    if (!query.safeParse(req.query).success) return reply.code(400).send({ error: 'Only ?t= is understood here.', hint: 'Ask for /api/channels/N/poster.jpg.' } satisfies ApiError);
    const n = Number(p.data.number);
    if (!opts.has(n)) return reply.code(404).send({ error: `There is no channel ${n}.`, hint: 'List channels at /api/channels.' } satisfies ApiError);
    const on = opts.schedule.onAir(n, opts.clock.nowMs());
    if (!on) return reply.code(404).send({ error: `Nothing is scheduled on channel ${n} now.`, hint: 'Build the schedule: retrovue schedule build.' } satisfies ApiError);
    const { event } = on;
    if (!event.path || !event.hasVideo) return reply.code(404).send({ error: `What channel ${n} airs now (${event.kind}) has no picture.` } satisfies ApiError);
    const bucket = Math.floor(on.offsetMs / POSTER_BUCKET_MS);
    const file = event.path;
    let jpeg: Buffer;
    const rendersBefore = cache.renders;
    try {
      jpeg = await cache.get(`${event.id}:${bucket}`, () => opts.extract(file, event.inPointMs + bucket * POSTER_BUCKET_MS));
    } catch (err) {
      if (err instanceof PosterBusyError) return reply.code(503).header('Retry-After', '2').send({ error: err.message, hint: 'Ask again in a moment.' } satisfies ApiError);
      req.log.warn({ channel: n, event: event.id, err: (err as Error).message }, 'no poster frame');
      // The reason names no folder: only what failed.
      return reply.code(503).send({ error: `No still of channel ${n} now: ${(err as Error).message.split(file).join('the file')}`, hint: 'The tile keeps its title card; take it live to see the picture.' } satisfies ApiError);
    }
    // Whether this still was made for the request or kept from an earlier one (diagnostics, tests).
    const made = cache.renders > rendersBefore ? 'made' : 'kept';
    return reply.code(200).headers({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=10', 'X-Content-Type-Options': 'nosniff', 'X-RetroVue-Poster': made }).send(jpeg);
  });
  return cache;
}
