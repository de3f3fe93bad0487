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
