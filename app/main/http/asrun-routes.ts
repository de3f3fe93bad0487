/**
 * GET /api/asrun (JSON, or CSV with Accept: text/csv or ?format=csv) and
 * GET /api/asrun/report: what aired per channel and broadcast day, and planned vs aired.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { ApiError } from '../../shared/types.ts';
import { asRunDay, broadcastDayOf, dayBounds, discrepancyReport, toCsv, type ChannelDay } from '../asrun/asrun-report.ts';
import type { AsRunStore } from '../asrun/asrun-store.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import type { Logger } from '../logger.ts';
import type { PlaylogEvent } from '../schedule/types.ts';

type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export interface AsRunRoutesOptions {
  store: AsRunStore;
  clock: MasterClock;
  /** Every channel, with its zone and day start. */
  channels(): ChannelDay[];
  playlog(channel: number, fromMs: number, toMs: number): PlaylogEvent[];
}

const query = z.strictObject({
  channel: z.coerce.number().int('must be a whole channel number').min(1).max(9999).optional(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a broadcast day as YYYY-MM-DD').optional(),
  format: z.enum(['json', 'csv']).optional(),
});
const reportQuery = z.strictObject({
  channel: z.coerce.number().int('must be a whole channel number').min(1).max(9999),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a broadcast day as YYYY-MM-DD').optional(),
});

const bad = (error: z.ZodError): ApiError => ({ error: error.issues.map((i) => `query '${i.path.join('.')}': ${i.message}`).join('; '), hint: 'Use ?channel=N&day=YYYY-MM-DD (both optional; default: every channel, today).' });

export function registerAsRunRoutes(app: StationApp, opts: AsRunRoutesOptions): void {
  /** The channels asked for, or an error to send. */
  const pick = (channel: number | undefined): ChannelDay[] | ApiError => {
    const all = opts.channels();
    if (channel === undefined) return all;
    const c = all.find((x) => x.number === channel);
    return c ? [c] : { error: `There is no channel ${channel}.`, hint: 'List channels at /api/channels.' };
  };
  const dayOf = (cs: ChannelDay[], day: string | undefined) => day ?? (cs[0] ? broadcastDayOf(cs[0], opts.clock.nowMs()) : '');

  app.get('/api/asrun', async (req, reply) => {
    const q = query.safeParse(req.query);
    if (!q.success) return reply.code(400).send(bad(q.error));
    const cs = pick(q.data.channel);
    if (!Array.isArray(cs)) return reply.code(404).send(cs);
    const day = dayOf(cs, q.data.day);
    let entries;
    try {
      entries = day ? asRunDay(opts.store, cs, day) : [];
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message } satisfies ApiError);
    }
    const csv = q.data.format === 'csv' || (q.data.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
    if (csv) {
      reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="asrun-${q.data.channel ?? 'all'}-${day}.csv"`);
      return toCsv(entries);
    }
    return { day, entries };
  });

  app.get('/api/asrun/report', async (req, reply) => {
    const q = reportQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(bad(q.error));
    const cs = pick(q.data.channel);
    if (!Array.isArray(cs)) return reply.code(404).send(cs);
    const c = cs[0]!;
    const day = dayOf(cs, q.data.day);
    try {
      const { startMs, endMs } = dayBounds(c, day);
      return discrepancyReport(opts.store.overlapping(startMs, endMs, c.number), opts.playlog(c.number, startMs, endMs), c, day, opts.clock.nowMs());
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message } satisfies ApiError);
    }
  });
}
