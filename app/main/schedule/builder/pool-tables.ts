/** Lookup tables of a resolved plan's pools, computed once per plan (the break filler's hot path reads them). */
import type { PoolEntry, ResolvedPlan } from '../resolve.ts';
import type { LibraryAsset, PoolRole } from '../types.ts';
import { POOL_ROLES } from '../types.ts';

export interface PoolTables {
  entries: Map<number, PoolEntry>;
  /** Duration and cooldown by asset id (dense ids), for the candidate filters. */
  durById: Float64Array;
  coolById: Float64Array;
  promoIds: Set<number>;
  ids: Record<PoolRole, number[]>;
  /** Shortest commercial or promo: stop looking once less time than this is left. */
  minSpotMs: number;
  /** Shortest station ID: the tight-fill ID is skipped when less than this is left. */
  minIdMs: number;
  programs: Map<number, LibraryAsset>;
}

const tablesCache = new WeakMap<ResolvedPlan, PoolTables>();

export function poolTables(plan: ResolvedPlan): PoolTables {
  const cached = tablesCache.get(plan);
  if (cached) return cached;
  const { pools } = plan;
  const entries = new Map<number, PoolEntry>();
  // Where an asset sits in several pools, the first role's settings (cooldown) apply.
  for (const role of POOL_ROLES) for (const e of pools[role]) if (!entries.has(e.asset.id)) entries.set(e.asset.id, e);
  let maxId = 0;
  for (const id of entries.keys()) maxId = Math.max(maxId, id);
  const durById = new Float64Array(maxId + 1);
  const coolById = new Float64Array(maxId + 1);
  for (const [id, e] of entries) {
    durById[id] = e.asset.durationMs;
    coolById[id] = e.cooldownMs;
  }
  const ids = (role: PoolRole): number[] => pools[role].map((e) => e.asset.id);
  const shortest = (list: PoolEntry[]): number => list.reduce((m, e) => Math.min(m, e.asset.durationMs), Infinity);
  const programs = new Map<number, LibraryAsset>();
  for (const z of plan.zones) for (const a of z.pool) programs.set(a.id, a);
  const t: PoolTables = {
    entries,
    durById,
    coolById,
    promoIds: new Set(ids('promo')),
    ids: {
      commercial: ids('commercial'),
      promo: ids('promo'),
      station_id: ids('station_id'),
      bumper_pre: ids('bumper_pre'),
      bumper_post: ids('bumper_post'),
      filler: ids('filler'),
    },
    minSpotMs: Math.min(shortest(pools.commercial), shortest(pools.promo)),
    minIdMs: shortest(pools.station_id),
    programs,
  };
  tablesCache.set(plan, t);
  return t;
}
