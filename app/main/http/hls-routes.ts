/**
 * HLS for Safari, Apple TV and smart-TV apps: /iptv/channel/{n}.m3u8 (served from the
 * stream route) and its segments at /iptv/hls/{n}/{seq}.ts, cut from the channel's one
 * encoder by the HLS sessions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { ApiError } from '../../shared/types.ts';
import type { Logger } from '../logger.ts';
import { ChannelFailedError } from '../runtime/channel-manager.ts';
import { HlsUnavailableError, type HlsSessions } from '../runtime/hls/hls-sessions.ts';
import { ChannelDisabledError, UnknownChannelError } from '../runtime/program-director.ts';
import { DISABLED_HINT } from './channel-control-routes.ts';

type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

const segmentParams = z.object({
  number: z.string().regex(/^\d{1,4}$/, 'expected a channel number'),
  file: z.string().regex(/^\d{1,12}\.ts$/, 'expected a segment number followed by .ts'),
});

const send = (reply: FastifyReply, code: number, body: ApiError) => reply.code(code).header('Access-Control-Allow-Origin', '*').type('application/json').send(body);

/** Answer GET /iptv/channel/{n}.m3u8. */
export async function servePlaylist(hls: HlsSessions, number: number, reply: FastifyReply, logger: Logger): Promise<FastifyReply> {
  try {
    const text = await hls.playlist(number, (seq) => `/iptv/hls/${number}/${seq}.ts`);
    return reply.code(200).headers({ 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' }).send(text);
  } catch (err) {
    if (err instanceof UnknownChannelError) return send(reply, 404, { error: err.message, hint: 'List channels at /api/channels.' });
    if (err instanceof ChannelDisabledError) return send(reply, 403, { error: err.message, hint: DISABLED_HINT });
    if (err instanceof ChannelFailedError || err instanceof HlsUnavailableError) return send(reply, 503, { error: (err as Error).message, hint: 'The channel could not go on air; see its log. Try again shortly.' });
    logger.error({ err, channel: number }, 'HLS playlist failed');
    return send(reply, 500, { error: 'Internal error; see the station log.' });
  }
}

export function registerHlsRoutes(app: StationApp, hls: HlsSessions): void {
  app.get('/iptv/hls/:number/:file', async (req, reply) => {
    const p = segmentParams.safeParse(req.params);
    if (!p.success) return send(reply, 404, { error: p.error.issues.map((i) => i.message).join('; '), hint: 'Segments are listed in /iptv/channel/<number>.m3u8.' });
    const seg = hls.segment(Number(p.data.number), Number(p.data.file.slice(0, -3)));
    if (!seg) return send(reply, 404, { error: `Segment ${p.data.file} of channel ${p.data.number} is not (or no longer) available.`, hint: 'Reload the playlist: /iptv/channel/<number>.m3u8.' });
    return reply.code(200).headers({ 'Content-Type': 'video/mp2t', 'Cache-Control': 'max-age=60', 'Access-Control-Allow-Origin': '*' }).send(seg.data);
  });
}
