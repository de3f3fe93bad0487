/**
 * What a guide says about an asset: series or movie, the episode title only when it is
 * really known, description, genres and year. Pure classification plus one batched read,
 * so a guide of thousands of entries costs one query per distinct asset set.
 */
import { inArray } from 'drizzle-orm';
import type { AssetKind } from '../../shared/types.ts';
import type { Db } from '../db/database.ts';
import { assets } from '../db/schema/index.ts';

export interface ProgramInfo {
  assetId: number;
  kind: AssetKind;
  /** The series, or the movie's (program's) own title: what a guide lists as the title. */
  title: string;
  /** The episode's own title; null when the file name gave none (never a copy of the title). */
  episodeTitle: string | null;
  season: number | null;
  episode: number | null;
  description: string | null;
  genres: string[];
  year: number | null;
  /** The certification an NFO gave ("TV-14", "PG-13"), null when none did. */
  rating: string | null;
  /** First aired, YYYY-MM-DD (from an NFO). */
  aired: string | null;
  isMovie: boolean;
  isSeries: boolean;
}

export interface AssetFacts {
  id: number;
  kind: AssetKind;
  title: string;
  series: string | null;
  season: number | null;
  episode: number | null;
  relPath: string;
  durationMs: number | null;
  description: string | null;
  genre: string | null;
  year: number | null;
  rating?: string | null;
  aired?: string | null;
}

const MOVIE_FOLDER = /^(movies?|films?|features?)$/i;
/** A program of no series this long is a feature, wherever it is filed. */
const FEATURE_MS = 60 * 60_000;

/** The title parseFileName makes up when a name has no episode title ("Space Patrol S01E02"). */
function isMadeUpTitle(a: Pick<AssetFacts, 'title' | 'series' | 'season' | 'episode'>): boolean {
  const t = a.title.trim().toLowerCase();
  if (a.series && t === a.series.trim().toLowerCase()) return true;
  if (a.episode === null) return false;
  const code = `s${String(a.season ?? 0).padStart(2, '0')}e${String(a.episode).padStart(2, '0')}`;
  return t === `${(a.series ?? 'episode').trim().toLowerCase()} ${code}` || t === code;
}

/**
 * The episode's own title, or null when the name gave none: what a schedule may store
 * as an entry's sub-title (a made-up "Space Patrol S01E02" is no title to show).
 */
export function realEpisodeTitle(a: Pick<AssetFacts, 'title' | 'series' | 'season' | 'episode'>): string | null {
  return a.series && !isMadeUpTitle(a) && a.title.trim() !== a.series.trim() ? a.title : null;
}

export function splitGenres(genre: string | null): string[] {
  if (!genre) return [];
  return [...new Set(genre.split(/\s*[,;/|]\s*/).map((g) => g.trim()).filter(Boolean))].slice(0, 8);
}

export function programInfo(a: AssetFacts): ProgramInfo {
  const isSeries = a.kind === 'program' && (a.series !== null || a.episode !== null);
  const folders = a.relPath.split(/[\\/]/).slice(0, -1);
  const isMovie = a.kind === 'program' && !isSeries && (folders.some((f) => MOVIE_FOLDER.test(f)) || (a.durationMs ?? 0) >= FEATURE_MS);
  const title = isSeries ? (a.series ?? a.title) : a.title;
  const episodeTitle = isSeries && !isMadeUpTitle(a) && a.title.trim() !== title.trim() ? a.title : null;
  return {
    assetId: a.id, kind: a.kind, title, episodeTitle, season: a.season, episode: a.episode,
    description: a.description, genres: splitGenres(a.genre), year: a.year, rating: a.rating ?? null, aired: a.aired ?? null, isMovie, isSeries,
  };
}

/** Reads ProgramInfo for sets of asset ids from the station database. */
export class ProgramInfoReader {
  constructor(private readonly db: Db) {}

  get(ids: Iterable<number>): Map<number, ProgramInfo> {
    const wanted = [...new Set(ids)];
    const out = new Map<number, ProgramInfo>();
    // SQLite caps bound parameters; read in slices.
    for (let i = 0; i < wanted.length; i += 500) {
      const rows = this.db
        .select({
          id: assets.id, kind: assets.kind, title: assets.title, series: assets.series, season: assets.season, episode: assets.episode,
          relPath: assets.relPath, durationMs: assets.durationMs, description: assets.description, genre: assets.genre, year: assets.year,
          rating: assets.rating, aired: assets.aired,
        })
        .from(assets)
        .where(inArray(assets.id, wanted.slice(i, i + 500)))
        .all();
      for (const r of rows) out.set(r.id, programInfo(r));
    }
    return out;
  }
}
