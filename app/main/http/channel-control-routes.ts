/**
 * POST /api/channels/{n}/enabled {"enabled": true|false}: put a channel in or out of service
 * from the console. Behind the control token (the server's onRequest hook). The change goes
 * through the channel service (so it lasts) and the director is brought in line at once: a
 * disabled channel leaves the air and its viewers are ended; an enabled one can be tuned again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { ApiError } from '../../shared/types.ts';
import type { Logger } from '../logger.ts';

type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export interface ChannelControlOptions {
  /** Whether the station has channel `n`. */
  has(n: number): boolean;
  /** Save the channel's enabled flag and bring the running channels in line. */
  setEnabled(n: number, enabled: boolean): Promise<void>;
}

/** POST /api/channels/{n}/enabled answer. */
export interface ChannelEnabledResult {
  ok: true;
  channel: number;
  enabled: boolean;
}

/** What a refused tune-in to a disabled channel tells the client to do. */
export const DISABLED_HINT = "Enable it in the console (CHANNELS view: select the channel, then ENABLE; needs the control token) or with POST /api/channels/N/enabled {\"enabled\":true} and the token.";

const param = z.object({ number: z.string().regex(/^\d{1,4}$/, 'expected a channel number') });
const body = z.strictObject({ enabled: z.boolean({ message: 'expected true or false' }) });

export function registerChannelControlRoutes(app: StationApp, opts: ChannelControlOptions): void {
  app.post('/api/channels/:number/enabled', async (req, reply) => {
    const p = param.safeParse(req.params);
    if (!p.success) return reply.code(400).send({ error: `path 'number': ${p.error.issues[0]?.message}` } satisfies ApiError);
    const b = body.safeParse(req.body);
    if (!b.success) {
      return reply.code(400).send({ error: b.error.issues.map((i) => `body '${i.path.join('.') || '(value)'}': ${i.message}`).join('; '), hint: 'Send JSON such as {"enabled":false}.' } satisfies ApiError);
    }
    const n = Number(p.data.number);
    if (!opts.has(n)) return reply.code(404).send({ error: `There is no channel ${n}.`, hint: 'List channels at /api/channels.' } satisfies ApiError);
    try {
      await opts.setEnabled(n, b.data.enabled);
    } catch (err) {
      req.log.error({ channel: n, err }, 'could not change whether the channel is enabled');
      return reply.code(500).send({ error: `Channel ${n} could not be ${b.data.enabled ? 'enabled' : 'disabled'}: ${(err as Error).message}`, hint: 'See the station log.' } satisfies ApiError);
    }
    req.log.info({ channel: n, enabled: b.data.enabled, ip: req.ip }, b.data.enabled ? 'channel enabled' : 'channel disabled');
    const result: ChannelEnabledResult = { ok: true, channel: n, enabled: b.data.enabled };
    return result;
  });
}
