/** The library as the scheduler sees it: ready assets with a known duration, and asset facts by id for stored events. */
import type { Db } from '../../db/database.ts';
import { levelGainDb } from '../../library/loudness-gain.ts';
import { splitGenres } from '../../library/program-info.ts';
import type { LibraryAsset } from '../types.ts';
import { stmt } from './statements.ts';

interface AssetRowLite {
  id: number;
  collectionId: number;
  kind: string;
  title: string;
  series: string | null;
  season: number | null;
  episode: number | null;
  durationMs: number;
  chapters: string | null;
  detectedBreaks: string | null;
  path: string;
  relPath: string;
  hasVideo: number;
  hasAudio: number;
  rating: string | null;
  genre: string | null;
  tags: string | null;
  loudnessLufs: number | null;
  truePeakDbtp: number | null;
}

/** Ready assets with a known duration: the only things that may ever be scheduled. */
export function loadLibrary(db: Db): LibraryAsset[] {
  const rows = stmt(
    db,
    `SELECT id, collection_id AS collectionId, kind, title, series, season, episode, duration_ms AS durationMs, chapters, detected_breaks AS detectedBreaks,
            path, rel_path AS relPath, rating, genre, tags, loudness_lufs AS loudnessLufs, true_peak_dbtp AS truePeakDbtp,
            (video IS NOT NULL AND video <> 'null') AS hasVideo, (audio IS NOT NULL AND audio <> 'null') AS hasAudio
       FROM assets WHERE state = 'ready' AND duration_ms > 0 ORDER BY id`,
  ).all() as AssetRowLite[];
  return rows.map((r) => {
    let chapters: number[] = [];
    try {
      const parsed = JSON.parse(r.chapters ?? '[]') as Array<{ startMs?: number }>;
      if (Array.isArray(parsed)) chapters = parsed.map((c) => Math.round(Number(c.startMs))).filter((n) => Number.isFinite(n) && n > 0);
    } catch {
      chapters = [];
    }
    chapters.sort((a, b) => a - b);
    return {
      id: r.id,
      collectionId: r.collectionId,
      kind: r.kind,
      title: r.title,
      series: r.series,
      season: r.season,
      episode: r.episode,
      // Whole milliseconds keep every sum of durations exact.
      durationMs: Math.round(r.durationMs),
      chapters,
      ...detectedOf(r.detectedBreaks),
      path: r.path,
      relPath: r.relPath,
      hasVideo: Boolean(r.hasVideo),
      hasAudio: Boolean(r.hasAudio),
      ...(r.rating ? { rating: r.rating } : {}),
      ...tagsOf(r),
      ...gainOf(r),
    };
  });
}

export interface AssetInfo {
  title: string;
  path: string | null;
  hasVideo: boolean;
  hasAudio: boolean;
  gainDb?: number;
  rating?: string;
}

/** Asset rows by id, as events need them; cached for one load. */
export function assetLookup(db: Db): (id: number) => AssetInfo {
  const cache = new Map<number, AssetInfo>();
  const q = stmt(
    db,
    `SELECT title, path, (video IS NOT NULL AND video <> 'null') AS hasVideo, (audio IS NOT NULL AND audio <> 'null') AS hasAudio,
            loudness_lufs AS loudnessLufs, true_peak_dbtp AS truePeakDbtp, rating FROM assets WHERE id = ?`,
  );
  return (id) => {
    let a = cache.get(id);
    if (!a) {
      const r = q.get(id) as { title: string; path: string; hasVideo: number; hasAudio: number; loudnessLufs: number | null; truePeakDbtp: number | null; rating: string | null } | undefined;
      a = r ? { title: r.title, path: r.path, hasVideo: Boolean(r.hasVideo), hasAudio: Boolean(r.hasAudio), ...gainOf(r), ...(r.rating ? { rating: r.rating } : {}) } : { title: `asset ${id}`, path: null, hasVideo: false, hasAudio: false };
      cache.set(id, a);
    }
    return a;
  };
}

/** A zone's required tags match the asset's tags and its genres, without regard to case. */
function tagsOf(r: { genre: string | null; tags: string | null }): { tags?: string[] } {
  let own: string[] = [];
  try {
    const parsed = JSON.parse(r.tags ?? '[]') as unknown;
    if (Array.isArray(parsed)) own = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    own = [];
  }
  const all = [...new Set([...own, ...splitGenres(r.genre)].map((t) => t.trim().toLowerCase()).filter(Boolean))];
  return all.length ? { tags: all } : {};
}

/** Stored detected break points, whole ms ascending; absent when none were found (or not looked for). */
function detectedOf(text: string | null): { detectedBreaks?: number[] } {
  try {
    const parsed = JSON.parse(text ?? 'null') as unknown;
    if (!Array.isArray(parsed)) return {};
    const points = parsed.map((n) => Math.round(Number(n))).filter((n) => Number.isFinite(n) && n > 0).sort((a, b) => a - b);
    return points.length ? { detectedBreaks: points } : {};
  } catch {
    return {};
  }
}

/** The level gain of a measured asset, only when it is not 0 (unmeasured assets air as they are). */
function gainOf(r: { loudnessLufs: number | null; truePeakDbtp: number | null }): { gainDb?: number } {
  const g = levelGainDb(r.loudnessLufs, r.truePeakDbtp);
  return g !== 0 ? { gainDb: g } : {};
}
