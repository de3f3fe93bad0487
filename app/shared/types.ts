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
