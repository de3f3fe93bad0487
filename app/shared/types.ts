/**
 * Types shared by the main process, the preload bridge and the renderer.
 * The renderer may import only from app/shared; it never imports app/main.
 */

export type AssetState = 'new' | 'enriching' | 'ready' | 'retired';
export type AssetKind = 'program' | 'commercial' | 'bumper' | 'promo' | 'station_id' | 'filler';

/** Kinds of playlog events (what airs, second by second). */
export type EventKind = 'program' | 'commercial' | 'promo' | 'station_id' | 'bumper' | 'filler' | 'pad';

export type ChannelMode = 'normal' | 'emergency' | 'guide' | 'maintenance';
export type ProducerStatus = 'stopped' | 'starting' | 'running' | 'degraded' | 'stopping' | 'error';

/** What a channel airs at an instant, as answered by the schedule. */
export interface OnAirItem {
  eventId: string;
  kind: EventKind;
  assetId: number | null;
  title: string;
  /** ISO-8601 with offset. */
  start: string;
  end: string;
  offsetMs: number;
}

/** GET /api/channels element. */
export interface ChannelStatusDto {
  uuid: string;
  number: number;
  name: string;
  enabled: boolean;
  mode: ChannelMode;
  viewerCount: number;
  producerStatus: ProducerStatus;
  nowPlaying: OnAirItem | null;
  /** Absolute stream URL for the host the client used. */
  streamUrl: string;
}

export interface ApiError {
  error: string;
  /** What the client should do about it. */
  hint?: string;
}

/** How an emergency airs: a full-screen alert card, or a crawl over the programme. */
export type EmergencyStyle = 'takeover' | 'crawl';

/** What a channel should carry beyond its schedule: the director's mode as it applies to one channel. */
export interface ModeSpec {
  mode: ChannelMode;
  /** For emergency: the operator's text, aired literally. */
  message?: string;
  style?: EmergencyStyle;
}

/** A request to change the station's mode (POST /api/director/mode). */
export interface ModeRequest extends ModeSpec {
  /** Emergency scope: these channel numbers only; absent = every channel. */
  channels?: number[];
  /** Why (recorded with the switch). */
  reason?: string;
}

/** GET /api/director. */
export interface DirectorStateDto {
  mode: ChannelMode;
  /** ISO-8601 station time of the switch. */
  since: string;
  message: string | null;
  style: EmergencyStyle | null;
  /** The channels in the mode's scope; null = every channel. */
  channels: number[] | null;
  by: string;
  reason: string | null;
}

/** The operator's text crawl (over programmes and breaks alike; not an emergency). */
export interface CrawlDto {
  text: string;
  /** The channels it runs on; null = every channel. */
  channels: number[] | null;
  /** ISO-8601 station times; until null = until it is stopped. */
  since: string;
  until: string | null;
  by: string;
}

/** Asking for a crawl (POST /api/crawl). */
export interface CrawlRequest {
  text: string;
  channels?: number[];
  /** How long it runs; omitted = until stopped. */
  minutes?: number;
}

/** Result of one channel in a mode switch. */
export interface ChannelSwitchResult {
  number: number;
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
}

/** POST /api/director/mode answer: all switched, or none did (and which failed). */
export interface ModeSwitchResult {
  ok: boolean;
  /** False when the station already was in the mode asked for (nothing switched; the request is only logged). */
  changed: boolean;
  state: DirectorStateDto;
  channels: ChannelSwitchResult[];
  error?: string;
}

/** One switch asked of the director, as GET /api/director/history lists it (newest first). */
export interface ModeChangeDto {
  id: number;
  /** ISO-8601 station time it was asked for. */
  at: string;
  by: string;
  reason: string | null;
  mode: ChannelMode;
  message: string | null;
  style: EmergencyStyle | null;
  channels: number[] | null;
  ok: boolean;
  error: string | null;
}

// ---- Monitoring (GET /api/status, GET /api/channels/{n}/health, GET /api/events) ----

/** Which producer feeds a channel's encoder. */
export type ProducerKind = 'asset' | 'emergency' | 'guide' | 'slate';

/** One ffmpeg process of a channel, with what it costs. */
export interface ProcessStatsDto {
  role: 'encoder' | 'decoder' | 'generator';
  pid: number;
  /** CPU over the last sampling interval, % of one core; null until sampled twice. */
  cpuPercent: number | null;
  rssBytes: number | null;
}

/** One viewer of a channel's stream. */
export interface ViewerDto {
  id: string;
  /** Client address. */
  address: string;
  userAgent: string;
  /** ISO-8601 station time the viewer tuned in. */
  since: string;
  bytesSent: number;
  /** Bytes queued for this viewer and not yet taken by it. */
  backlogBytes: number;
  /** How far behind live it is (ms); a viewer too far behind is dropped. */
  lagMs: number;
}

/** One restart of a channel's encoder or a decoder, with its cause. */
export interface RestartDto {
  at: string;
  what: 'encoder' | 'decoder';
  cause: string;
}

/** GET /api/channels/{n}/health. */
export interface ChannelHealthDto {
  number: number;
  name: string;
  enabled: boolean;
  mode: ChannelMode;
  producerStatus: ProducerStatus;
  /** The producer on air, or null when the channel is off the air. */
  producerKind: ProducerKind | null;
  /** Named conditions that make the channel degraded (e.g. 'decoder-restarting'). */
  conditions: string[];
  /** ISO-8601 station time the channel went on the air, or null. */
  onAirSince: string | null;
  uptimeMs: number;
  restarts: { encoder: number; decoder: number; recent: RestartDto[] };
  viewers: ViewerDto[];
  /** Viewers dropped since the station started because they could not keep up. */
  viewersDropped: number;
  /** Output bitrate over the last few seconds, bits per second. */
  bitrateBps: number;
  /** Frames since the channel went on the air: written, late, padded (held over a late source), underrun (black: nothing queued). */
  frames: { produced: number; late: number; padded: number; underrun: number };
  /** Output bytes since on air, and bytes the encoder's reader could not take (whole TS packets dropped). */
  bytes: { out: number; dropped: number };
  processes: ProcessStatsDto[];
  /** The last lines of the channel's ffmpeg log. */
  logTail: string[];
  nowPlaying: OnAirItem | null;
}

/** GET /api/status, and the `status` event of GET /api/events. */
export interface StationStatusDto {
  /** ISO-8601 station time of the reading. */
  at: string;
  mode: ChannelMode;
  channelsOnAir: number;
  channels: ChannelHealthDto[];
  system: { cpuPercent: number | null; memTotalBytes: number; memFreeBytes: number; rssBytes: number; load: number[] };
}

// ---- As-run (GET /api/asrun) ----

/** One as-run entry: a segment the output actually carried, from its first frame to its last. */
export interface AsRunEntryDto {
  id: number;
  channel: number;
  /** YYYY-MM-DD: the broadcast day the entry is reported under. */
  broadcastDay: string;
  /** The planned playlog event, or null for what was not planned (emergency, guide, slate). */
  eventId: string | null;
  assetId: number | null;
  title: string;
  kind: EventKind | 'emergency' | 'guide' | 'slate' | 'on-air' | 'off-air';
  producer: ProducerKind | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  actualStart: string;
  /** Null while the entry is open (still on air). */
  actualEnd: string | null;
  inPointMs: number;
  frames: number;
  /** Why this differs from the plan (missing media → slate, emergency, encoder restart …), or null. */
  deviation: string | null;
  status: 'open' | 'closed' | 'interrupted';
}

// ---- Schedule grid (GET /api/channels/{n}/epg, GET /api/channels/{n}/playlog) ----

/** What a schedule answer covers, and how far the channel's schedule is built. */
export interface ScheduleRangeDto {
  channel: number;
  name: string;
  timezone: string;
  /** Local "HH:MM" when each broadcast day starts (e.g. "06:00"). */
  broadcastDayStart: string;
  gridMinutes: number;
  planKind: 'loop' | 'schedule' | 'guide';
  /** The range asked for, ISO-8601 in the channel's zone. */
  from: string;
  to: string;
  /** End of the built schedule; 'forever' for loop and guide channels; null when nothing is built. */
  builtUntil: string | null;
  /** Every broadcast-day start inside [from, to), ISO-8601. */
  dayStarts: string[];
  /** True when the range held more items than one answer carries; ask for a shorter range. */
  truncated: boolean;
}

/** One guide entry: a programme slot (its breaks included) or a gap. */
export interface EpgEntryDto {
  start: string;
  end: string;
  title: string;
  /** Episode title of a series episode. */
  subtitle: string | null;
  season: number | null;
  episode: number | null;
  kind: EventKind;
  assetId: number | null;
  /** Runs across a broadcast-day start (e.g. a late movie past 06:00). */
  carryOver: boolean;
  /** What the guide (XMLTV) says too, when the station knows it: description, Movie/Series and genres, year. */
  description?: string | null;
  categories?: string[];
  year?: number | null;
  /** The certification from the asset's NFO ("TV-14", "PG-13"). */
  rating?: string | null;
}

/** GET /api/channels/{n}/epg. */
export interface EpgDto extends ScheduleRangeDto {
  entries: EpgEntryDto[];
}

/** One exact playlog event: a programme part, a spot, a bumper, a promo, an ID, filler or a pad. */
export interface PlaylogEventDto {
  id: string;
  start: string;
  end: string;
  kind: EventKind;
  assetId: number | null;
  title: string;
  /** Where in the file the event starts. */
  inPointMs: number;
  durationMs: number;
  /** The asset's file name (no folders), or null for pads. */
  file: string | null;
}

/** GET /api/channels/{n}/playlog. */
export interface PlaylogDto extends ScheduleRangeDto {
  events: PlaylogEventDto[];
}

/** Planned vs aired, per kind, for one channel and broadcast day (GET /api/asrun/report). */
export interface AsRunReportDto {
  channel: number;
  broadcastDay: string;
  /** How long the channel was on the air that day (only then is anything expected to air). */
  onAirMs: number;
  kinds: { kind: string; plannedCount: number; plannedMs: number; airedCount: number; airedMs: number; deviations: number }[];
  /** Entries that differ from the plan (slate, emergency, restarts, late sources, interrupted). */
  deviations: AsRunEntryDto[];
  /** Planned while on the air, but no entry shows it aired. */
  missed: { eventId: string; title: string; kind: EventKind; plannedStart: string; plannedEnd: string }[];
}
