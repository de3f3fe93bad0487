/** A channel's plan (zones, their sources, break rules, pools) as builder input. */
import type { Db } from '../../db/database.ts';
import type { ChannelPlan, PoolItemPlan, PoolRole, ZoneContentType, ZonePlan } from '../types.ts';
import { DEFAULT_BREAK_RULES, POOL_ROLES } from '../types.ts';
import { gridOf, type ChannelRow } from './channels.ts';
import { stmt } from './statements.ts';

interface PlanRowLite {
  id: number;
  seed: number;
  breaksPerHour: number;
  breakMarginMs: number;
  minBreakMs: number;
  spotCooldownMs: number;
  maxPromosPerBreak: number;
  signOffAt: string | null;
  signOffUntil: string | null;
}

/** A channel's plan as builder input, or null when it has none. */
export function loadPlan(db: Db, channel: ChannelRow): ChannelPlan | null {
  const p = stmt(
    db,
    `SELECT id, seed, breaks_per_hour AS breaksPerHour, break_margin_ms AS breakMarginMs, min_break_ms AS minBreakMs,
            spot_cooldown_ms AS spotCooldownMs, max_promos_per_break AS maxPromosPerBreak,
            sign_off_at AS signOffAt, sign_off_until AS signOffUntil
       FROM schedule_plans WHERE channel_id = ?`,
  ).get(channel.id) as PlanRowLite | undefined;
  if (!p) return null;
  const zones = stmt(
    db,
    `SELECT id, name, start_local AS start, end_local AS "end", days, date_from AS dateFrom, date_to AS dateTo, priority,
            content_type AS content, mid_breaks AS midBreaks, max_rating AS maxRating, tags, allow_unrated AS allowUnrated
       FROM schedule_zones WHERE plan_id = ? ORDER BY position, id`,
  ).all(p.id) as Array<{
    id: number;
    name: string;
    start: string;
    end: string;
    days: string;
    dateFrom: string | null;
    dateTo: string | null;
    priority: number;
    content: ZoneContentType;
    midBreaks: number | null;
    maxRating: string | null;
    tags: string;
    allowUnrated: number;
  }>;
  const items = stmt(
    db,
    `SELECT i.zone_id AS zoneId, i.collection_id AS collectionId, i.asset_id AS assetId, i.series
       FROM schedule_zone_items i JOIN schedule_zones z ON z.id = i.zone_id
      WHERE z.plan_id = ? ORDER BY i.zone_id, i.position, i.id`,
  ).all(p.id) as Array<{ zoneId: number; collectionId: number | null; assetId: number | null; series: string | null }>;
  const pools = Object.fromEntries(POOL_ROLES.map((r) => [r, [] as PoolItemPlan[]])) as Record<PoolRole, PoolItemPlan[]>;
  const poolRows = stmt(
    db,
    `SELECT role, collection_id AS collectionId, asset_id AS assetId, cooldown_ms AS cooldownMs
       FROM schedule_pool_items WHERE channel_id = ? ORDER BY role, position, id`,
  ).all(channel.id) as Array<{ role: PoolRole; collectionId: number | null; assetId: number | null; cooldownMs: number | null }>;
  for (const r of poolRows) pools[r.role]?.push({ collectionId: r.collectionId, assetId: r.assetId, cooldownMs: r.cooldownMs });
  return {
    channelNumber: channel.number,
    timezone: channel.timezone,
    gridMinutes: gridOf(channel.gridMinutes),
    broadcastDayStart: channel.broadcastDayStart,
    seed: p.seed,
    breaks: {
      breaksPerHour: p.breaksPerHour ?? DEFAULT_BREAK_RULES.breaksPerHour,
      marginMs: p.breakMarginMs ?? DEFAULT_BREAK_RULES.marginMs,
      minBreakMs: p.minBreakMs ?? DEFAULT_BREAK_RULES.minBreakMs,
      spotCooldownMs: p.spotCooldownMs ?? DEFAULT_BREAK_RULES.spotCooldownMs,
      maxPromosPerBreak: p.maxPromosPerBreak ?? DEFAULT_BREAK_RULES.maxPromosPerBreak,
    },
    zones: zones.map((z) => ({
      name: z.name,
      start: z.start,
      end: z.end,
      days: JSON.parse(z.days) as number[],
      dateFrom: z.dateFrom,
      dateTo: z.dateTo,
      priority: z.priority,
      content: z.content,
      midBreaks: z.midBreaks,
      // Only where set, so the plan (and its hash) of an unrestricted zone is as it always was.
      ...restrictionFields(z),
      sources: items.filter((i) => i.zoneId === z.id).map((i) => ({ collectionId: i.collectionId, assetId: i.assetId, series: i.series })),
    })),
    pools,
    ...(p.signOffAt !== null && p.signOffUntil !== null ? { signOff: { at: p.signOffAt, until: p.signOffUntil, name: channel.name } } : {}),
  };
}

function restrictionFields(z: { maxRating: string | null; tags: string; allowUnrated: number }): Pick<ZonePlan, 'maxRating' | 'tags' | 'allowUnrated'> {
  let tags: string[] = [];
  try {
    const parsed = JSON.parse(z.tags) as unknown;
    if (Array.isArray(parsed)) tags = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    tags = [];
  }
  const out: Pick<ZonePlan, 'maxRating' | 'tags' | 'allowUnrated'> = {};
  if (z.maxRating !== null) out.maxRating = z.maxRating;
  if (tags.length > 0) out.tags = tags;
  if (!z.allowUnrated) out.allowUnrated = false;
  return out;
}
