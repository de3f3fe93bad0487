/**
 * Read-only monitoring, open on the LAN like the guide: station and channel health, a
 * server-sent-events feed of status changes for the console, and /metrics for Prometheus.
 * Nothing here reveals the control token or paths beyond media file names.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { ScanStatusDto } from '../../shared/library-types.ts';
import type { ApiError, DirectorStateDto, StationStatusDto } from '../../shared/types.ts';
import type { Logger } from '../logger.ts';
import type { createMetrics } from '../monitoring/metrics.ts';
import type { StationMonitor } from '../monitoring/station-monitor.ts';

type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export interface MonitoringRoutesOptions {
  monitor: StationMonitor;
  metrics: ReturnType<typeof createMetrics>;
  director: { state(): DirectorStateDto };
  /** A library scan's progress, pushed as `scan` events while it runs. */
  scans?: { on(event: 'status', fn: (s: ScanStatusDto) => void): unknown; off(event: 'status', fn: (s: ScanStatusDto) => void): unknown };
  /** Most event-stream clients at once (each holds a socket). */
  maxEventClients?: number;
}

const channelParam = z.object({ number: z.string().regex(/^\d{1,4}$/, 'expected a channel number') });

export function registerMonitoringRoutes(app: StationApp, opts: MonitoringRoutesOptions): void {
  const { monitor } = opts;
  const clients = new Set<ServerResponse>();
  const max = opts.maxEventClients ?? 32;

  const send = (res: ServerResponse, event: string, data: unknown) => {
    // A client that does not read is not worth buffering for: the next status replaces this one.
    if (res.writableLength > 256 * 1024) return;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let lastDirector = JSON.stringify(opts.director.state());
  const onStatus = (s: StationStatusDto) => {
    const d = opts.director.state();
    const dText = JSON.stringify(d);
    for (const res of clients) {
      if (dText !== lastDirector) send(res, 'director', d);
      send(res, 'status', s);
    }
    lastDirector = dText;
  };
  monitor.on('status', onStatus);
  const onScan = (s: ScanStatusDto) => {
    for (const res of clients) send(res, 'scan', s);
  };
  opts.scans?.on('status', onScan);
  app.addHook('onClose', async () => {
    monitor.off('status', onStatus);
    opts.scans?.off('status', onScan);
    for (const res of clients) res.end();
    clients.clear();
  });

  app.get('/api/status', async () => monitor.status());

  app.get('/api/channels/:number/health', async (req, reply) => {
    const p = channelParam.safeParse(req.params);
    if (!p.success) return reply.code(400).send({ error: `path 'number': ${p.error.issues[0]?.message}` } satisfies ApiError);
    const n = Number(p.data.number);
    const h = monitor.channelHealth(n);
    if (!h) return reply.code(404).send({ error: `There is no channel ${n}.`, hint: 'List channels at /api/channels.' } satisfies ApiError);
    return h;
  });

  app.get('/api/events', async (req, reply) => {
    if (req.method === 'HEAD') return reply.code(200).type('text/event-stream').send();
    if (clients.size >= max) return reply.code(503).send({ error: `Too many status feeds are open (${max}).`, hint: 'Close other console windows, or poll /api/status.' } satisfies ApiError);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', 'Access-Control-Allow-Origin': '*' });
    res.write('retry: 2000\n\n');
    clients.add(res);
    send(res, 'director', opts.director.state());
    send(res, 'status', monitor.status());
    const drop = () => clients.delete(res);
    req.raw.on('close', drop);
    res.on('error', drop);
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(opts.metrics.contentType);
    return opts.metrics.text();
  });
}
