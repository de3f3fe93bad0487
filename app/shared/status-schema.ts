/**
 * The monitoring answers as zod schemas: the station's tests check every reading against
 * them, and the console may validate what it receives. Kept equal to the DTO interfaces in
 * types.ts by the type assertions at the bottom (a mismatch fails the type check).
 */
import { z } from 'zod';
import type { ChannelHealthDto, StationStatusDto } from './types.ts';

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/);
const count = z.number().int().nonnegative();
const mode = z.enum(['normal', 'emergency', 'guide', 'maintenance']);

export const channelHealthSchema = z.strictObject({
  number: z.number().int().positive(),
  name: z.string(),
  enabled: z.boolean(),
  mode,
  producerStatus: z.enum(['stopped', 'starting', 'running', 'degraded', 'stopping', 'error']),
  producerKind: z.enum(['asset', 'emergency', 'guide', 'slate']).nullable(),
  conditions: z.array(z.string()),
  onAirSince: iso.nullable(),
  uptimeMs: z.number().nonnegative(),
  restarts: z.strictObject({ encoder: count, decoder: count, recent: z.array(z.strictObject({ at: z.string(), what: z.enum(['encoder', 'decoder']), cause: z.string() })) }),
  viewers: z.array(z.strictObject({ id: z.string(), address: z.string(), userAgent: z.string(), since: iso, bytesSent: count, backlogBytes: count, lagMs: z.number().nonnegative() })),
  viewersDropped: count,
  bitrateBps: z.number().nonnegative(),
  frames: z.strictObject({ produced: count, late: count, padded: count, underrun: count }),
  bytes: z.strictObject({ out: count, dropped: count }),
  processes: z.array(z.strictObject({ role: z.enum(['encoder', 'decoder', 'generator']), pid: z.number().int().positive(), cpuPercent: z.number().nonnegative().nullable(), rssBytes: count.nullable() })),
  logTail: z.array(z.string()),
  nowPlaying: z.strictObject({ eventId: z.string(), kind: z.string(), assetId: z.number().nullable(), title: z.string(), start: z.string(), end: z.string(), offsetMs: z.number() }).nullable(),
});

export const stationStatusSchema = z.strictObject({
  at: iso,
  mode,
  channelsOnAir: count,
  channels: z.array(channelHealthSchema),
  system: z.strictObject({ cpuPercent: z.number().nonnegative().nullable(), memTotalBytes: count, memFreeBytes: count, rssBytes: count, load: z.array(z.number()) }),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _health: Same<Omit<z.infer<typeof channelHealthSchema>, 'nowPlaying'>, Omit<ChannelHealthDto, 'nowPlaying'>> = true;
const _status: Same<Omit<z.infer<typeof stationStatusSchema>, 'channels'>, Omit<StationStatusDto, 'channels'>> = true;
void _health;
void _status;
