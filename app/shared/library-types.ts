/**
 * The library as the console reads it (GET /api/library/…) and the scan it can start.
 * Paths are never absolute: a source shows only its folder's own name, an asset its file
 * name and the collection it is in.
 */
import type { AssetKind, AssetState } from './types.ts';

export type AssetStateCounts = Record<AssetState, number>;

/** GET /api/library/sources element. */
export interface LibrarySourceDto {
  name: string;
  type: 'local' | 'plex' | 'jellyfin';
  /** The source folder's own name (e.g. "TV"), never its full path. */
  rootName: string;
  /** ISO-8601 of the last finished scan, or null when never scanned. */
  lastScanAt: string | null;
  counts: AssetStateCounts;
}

/** GET /api/library/collections element. */
export interface LibraryCollectionDto {
  id: number;
  /** e.g. "shows/Toons"; the source's name for files at its root. */
  name: string;
  source: string;
  /** Assets that are not retired, and of those, the ready ones (only those air). */
  assetCount: number;
  readyCount: number;
}

/** One asset in GET /api/library/assets. */
export interface LibraryAssetDto {
  id: number;
  /** The file's name only. */
  file: string;
  collection: string;
  source: string;
  title: string;
  kind: AssetKind;
  state: AssetState;
  /** Why the file is not ready (a failed probe, a vanished file …), or null. */
  reason: string | null;
  durationMs: number | null;
  sizeBytes: number;
  /** e.g. "h264 640x360" / "aac 2ch"; null when unknown. */
  video: string | null;
  audio: string | null;
  /** What the guide knows (from NFO files, tags and the file name). */
  series?: string | null;
  season?: number | null;
  episode?: number | null;
  rating?: string | null;
}

/** GET /api/library/assets. */
export interface LibraryAssetPageDto {
  /** Assets matching the filter, all pages together. */
  total: number;
  offset: number;
  limit: number;
  assets: LibraryAssetDto[];
}

/** GET /api/library/scan, the answer to POST /api/library/sources/{name}/scan, and the `scan` event of GET /api/events. */
export interface ScanStatusDto {
  /** idle: no scan since the station started; running; done; failed (see error). */
  state: 'idle' | 'running' | 'done' | 'failed';
  source: string | null;
  /** detecting: looking for break points (black + silence) in programs without chapters. */
  phase: 'walking' | 'probing' | 'detecting' | 'measuring' | 'done' | null;
  done: number;
  total: number;
  /** The file being probed (name within the source). */
  current: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** What the finished scan found. */
  summary: { filesSeen: number; added: number; changed: number; unchanged: number; ready: number; failed: number; retired: number; unreadableFolders: number } | null;
  /** Why the scan failed, and what to do. */
  error: string | null;
}
