/**
 * Types of the scheduling layer. Everything the builder reads is plain data (plan,
 * library snapshot, prior state), so the timeline math stays pure and testable.
 */
import type { EventKind } from '../../shared/types.ts';

export type { EventKind };
export type GridMinutes = 15 | 30 | 60;
export type ZoneContentType = 'series' | 'random' | 'movies' | 'asset';
export type PoolRole = 'commercial' | 'promo' | 'station_id' | 'bumper_pre' | 'bumper_post' | 'filler';
export const POOL_ROLES: readonly PoolRole[] = ['commercial', 'promo', 'station_id', 'bumper_pre', 'bumper_post', 'filler'];

/**
 * A picture the station draws itself rather than a file: SMPTE bars with 1 kHz tone,
 * or a still card with a heading (the sign-off's "anthem" card, the sign-on card).
 */
export type ScheduleCard = { kind: 'bars' } | { kind: 'card'; heading: string };

/** One exact item of the playlog, at absolute station time. */
export interface PlaylogEvent {
  /** Stable across restarts and rebuilds of unchanged time. */
  id: string;
  channelNumber: number;
  startMs: number;
  endMs: number;
  kind: EventKind;
  assetId: number | null;
  title: string;
  /** Position in the file where the event starts. */
  inPointMs: number;
  durationMs: number;
  /** The asset file; null for pads (black and silence). */
  path: string | null;
  hasVideo: boolean;
  hasAudio: boolean;
  /** A generated card instead of black (pads only). */
  card?: ScheduleCard;
  /** Gain (dB) that brings the asset's sound to the channel's loudness target; absent: none. */
  gainDb?: number;
  /** The asset's certification ("TV-PG"), for the rating bug; absent: unrated. */
  rating?: string;
}

/** One guide entry: a program slot (breaks included) or a gap. */
export interface EpgEntry {
  startMs: number;
  endMs: number;
  title: string;
  /** Episode title when the entry is an episode of a series. */
  subtitle: string | null;
  season: number | null;
  episode: number | null;
  kind: EventKind;
  assetId: number | null;
}

export interface OnAir {
  event: PlaylogEvent;
  offsetMs: number;
}

/** A ready asset as the scheduler sees it. */
export interface LibraryAsset {
  id: number;
  collectionId: number;
  kind: string;
  title: string;
  series: string | null;
  season: number | null;
  episode: number | null;
  durationMs: number;
  /** Chapter start positions (ms), ascending. */
  chapters: number[];
  /** Break points found by black + silence detection (ms, ascending); used where there are no chapters. */
  detectedBreaks?: number[];
  path: string;
  relPath: string;
  hasVideo: boolean;
  hasAudio: boolean;
  /** Certification ("TV-14", "PG-13") from the asset's NFO; absent or null: unrated. */
  rating?: string | null;
  /** Lower-cased tags and genres, for zones that require tags. */
  tags?: string[];
  /** Gain (dB) to the loudness target, from the measured loudness; absent: none. */
  gainDb?: number;
}

export interface SourceRef {
  collectionId?: number | null;
  assetId?: number | null;
  /** Restrict a collection to one series (assets.series). */
  series?: string | null;
}

export interface ZonePlan {
  name: string;
  /** Local "HH:MM" ("24:00" allowed as an end). start == end = the whole broadcast day. */
  start: string;
  end: string;
  /** Weekdays of the broadcast day (0 = Sunday); empty = all. */
  days: number[];
  dateFrom: string | null;
  dateTo: string | null;
  priority: number;
  content: ZoneContentType;
  sources: SourceRef[];
  midBreaks: number | null;
  /** Daypart restriction: nothing rated above this airs in the zone. */
  maxRating?: string | null;
  /** Daypart restriction: programs need one of these tags (or genres). */
  tags?: string[];
  /** Where maxRating is set, whether unrated programs may air (default true). */
  allowUnrated?: boolean;
}

export interface PoolItemPlan extends SourceRef {
  cooldownMs?: number | null;
}

export interface BreakRules {
  /** Breaks per hour of slot (mid-program breaks + the end break) without chapter markers. */
  breaksPerHour: number;
  /** No mid-program break in the first or last this-many ms of a program. */
  marginMs: number;
  /** Shortest break worth interrupting a program for. */
  minBreakMs: number;
  spotCooldownMs: number;
  maxPromosPerBreak: number;
}

export const DEFAULT_BREAK_RULES: BreakRules = {
  breaksPerHour: 4,
  marginMs: 120_000,
  minBreakMs: 30_000,
  spotCooldownMs: 1_800_000,
  maxPromosPerBreak: 1,
};

/** The overnight: local times the channel signs off and signs on again. */
export interface SignOffPlan {
  at: string;
  until: string;
  /** The channel's name, for the station-identification card when no ID asset is ready. */
  name: string;
}

/** Everything that defines a schedule channel's timeline. */
export interface ChannelPlan {
  channelNumber: number;
  timezone: string;
  gridMinutes: GridMinutes;
  broadcastDayStart: string;
  seed: number;
  breaks: BreakRules;
  zones: ZonePlan[];
  pools: Record<PoolRole, PoolItemPlan[]>;
  /** Absent: on the air around the clock. */
  signOff?: SignOffPlan;
}

export type IssueSeverity = 'error' | 'warning' | 'info';
export type IssueCode =
  | 'zone_overlap'
  | 'empty_pool'
  | 'empty_zone'
  | 'gap'
  | 'zone_off_grid'
  | 'zone_crosses_day_start'
  | 'break_padded'
  | 'bad_time'
  | 'no_plan'
  | 'empty_loop'
  | 'nothing_eligible';

export interface PlanIssue {
  severity: IssueSeverity;
  code: IssueCode;
  message: string;
  zone?: string;
  fromMs?: number;
  toMs?: number;
}

/** Play history for variety: [times aired, last start ms]. */
export type PlayStat = [number, number];

/**
 * What carries from one block to the next. It changes only through `applyBlock`,
 * so a kept (locked) stretch can be replayed to the exact same state. Play
 * histories are flat [assetId, timesAired, lastStartMs, ...] triples: compact to store.
 */
export interface ScheduleState {
  /** Per series cursor key: last aired asset, its position in play order, and when. */
  series: Record<string, { assetId: number; index: number; atMs: number }>;
  programs: number[];
  spots: number[];
  /** End of the last built block (carry-over into the next day). */
  cursorMs: number | null;
}

export function emptyState(): ScheduleState {
  return { series: {}, programs: [], spots: [], cursorMs: null };
}

/** A built block: one EPG entry and the events that fill it to its boundary. */
export interface BuiltBlock {
  entry: EpgEntry;
  zone: string | null;
  cursorKey: string | null;
  events: PlaylogEvent[];
}

export interface BuiltDay {
  channelNumber: number;
  broadcastDate: string;
  startMs: number;
  endMs: number;
  firstMs: number;
  lastMs: number;
  blocks: BuiltBlock[];
  stateAfter: ScheduleState;
  contentHash: string;
  issues: PlanIssue[];
}
