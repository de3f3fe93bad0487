/**
 * Folder conventions are the UI for non-programmers: a file under commercials/,
 * bumpers/, promos/, ids/ or filler/ is that kind of interstitial; anything else is a program.
 * An operator can change the kind later (then scans keep their choice).
 */
import type { AssetKind } from '../../shared/types.ts';

const FOLDER_KINDS: Record<string, AssetKind> = {
  commercials: 'commercial',
  commercial: 'commercial',
  ads: 'commercial',
  bumpers: 'bumper',
  bumper: 'bumper',
  promos: 'promo',
  promo: 'promo',
  ids: 'station_id',
  'station-ids': 'station_id',
  station_ids: 'station_id',
  filler: 'filler',
};

export const ASSET_KINDS: readonly AssetKind[] = ['program', 'commercial', 'bumper', 'promo', 'station_id', 'filler'];

/** Kind from the path relative to the source root: the nearest folder that names a kind wins. */
export function kindFromRelPath(relPath: string): AssetKind {
  const folders = relPath.split(/[\\/]/).slice(0, -1).map((f) => f.toLowerCase());
  for (let i = folders.length - 1; i >= 0; i--) {
    const kind = FOLDER_KINDS[folders[i] as string];
    if (kind) return kind;
  }
  return 'program';
}

export interface ParsedName {
  title: string;
  series: string | null;
  season: number | null;
  episode: number | null;
  /** Release year, from "Title (1987)", "Title [1987]" or "Title.1987.1080p…". */
  year: number | null;
}

/** "Title (1987)" and scene-style "Title.1987.720p.…": the year and the title before it. */
function splitYear(base: string): { rest: string; year: number | null } {
  const bracketed = /^(.*?)[\s._-]*[([]((?:19|20)\d{2})[)\]](?:.*)$/.exec(base);
  const scene = /^(.+?)[\s._-]((?:19|20)\d{2})[\s._-](?:\d{3,4}p|bluray|blu-ray|web|webrip|web-dl|dvd|dvdrip|hdtv|x26[45]|h26[45]|remux|proper|repack)\b.*$/i.exec(base);
  const m = bracketed ?? scene;
  return m && (m[1] ?? '').trim() ? { rest: m[1] as string, year: Number(m[2]) } : { rest: base, year: null };
}

/** Title, season/episode when the name carries them (S01E02, 1x02), and the year when it does. */
export function parseFileName(relPath: string): ParsedName {
  const parts = relPath.split(/[\\/]/);
  const base = (parts[parts.length - 1] ?? relPath).replace(/\.[^.]+$/, '');
  const clean = (s: string): string => s.replace(/[._]+/g, ' ').replace(/\s+/g, ' ').trim();
  const m = /^(.*?)[\s._-]*(?:s(\d{1,2})e(\d{1,3})|(\d{1,2})x(\d{2,3}))(.*)$/i.exec(base);
  if (m) {
    const series = clean(m[1] ?? '') || clean(parts[parts.length - 2] ?? '') || null;
    const season = Number(m[2] ?? m[4]);
    const episode = Number(m[3] ?? m[5]);
    const rest = clean((m[6] ?? '').replace(/^[\s._-]+/, ''));
    return { title: rest || `${series ?? 'Episode'} S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`, series, season, episode, year: null };
  }
  const { rest, year } = splitYear(base);
  return { title: clean(rest), series: null, season: null, episode: null, year };
}
