/**
 * Kodi/Jellyfin NFO files: <tvshow>, <episodedetails> and <movie> documents beside
 * the media, as their editors write them (tinyMediaManager, Jellyfin, Sonarr).
 * Pure: text in, the broadcast facts out (title, show, season, episode, plot, aired
 * date, genres, rating, runtime), or an NfoError saying where the file is broken.
 *
 * Parsed with fast-xml-parser: entities decoded, DOCTYPEs ignored, never a value
 * evaluated, so an NFO is data and nothing else.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type NfoKind = 'tvshow' | 'episode' | 'movie';

export interface NfoInfo {
  kind: NfoKind;
  /** The show's title (tvshow), the episode's own title (episode) or the movie's title. */
  title: string | null;
  /** The show an episode belongs to (<showtitle>). */
  showTitle: string | null;
  season: number | null;
  episode: number | null;
  plot: string | null;
  /** First aired or premiered, YYYY-MM-DD. */
  aired: string | null;
  year: number | null;
  genres: string[];
  /** <tag> elements (a zone may require them). */
  tags: string[];
  /** "TV-14", "PG-13" …: the certification without "Rated " or a country prefix. */
  rating: string | null;
  runtimeMs: number | null;
}

export class NfoError extends Error {}

const ROOTS: Record<string, NfoKind> = { tvshow: 'tvshow', episodedetails: 'episode', movie: 'movie' };
/** Longest text kept from one field: a guide shows a paragraph, not a novel. */
const MAX_TEXT = 4000;

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Values stay text: "007" is a title, not the number 7.
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => name === 'genre' || name === 'tag' || name === 'episodedetails',
});

type Node = Record<string, unknown>;

function text(v: unknown): string | null {
  // A repeated element: the first one counts.
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, MAX_TEXT) : null;
}

function int(v: unknown, min: number, max: number): number | null {
  const t = text(v);
  if (t === null || !/^\d{1,6}$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

function date(v: unknown): string | null {
  const m = /^((?:18|19|20)\d{2})-(\d{2})-(\d{2})/.exec(text(v) ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** "Rated PG-13", "US:TV-14", "gb:15", "TV-MA" → "PG-13", "TV-14", "15", "TV-MA". */
export function normalizeRating(raw: string | null): string | null {
  if (!raw) return null;
  const t = raw.replace(/^rated\s+/i, '').replace(/^[a-z]{2}\s*:\s*/i, '').trim();
  return t && t.length <= 20 ? t.toUpperCase() : null;
}

/** Kodi writes NFOs whose XML is followed by a scraper URL line: only the document counts. */
function documentPart(body: string): string {
  const m = /<\/(tvshow|episodedetails|movie)\s*>/gi;
  let end = -1;
  for (let r = m.exec(body); r; r = m.exec(body)) end = r.index + r[0].length;
  return end > 0 ? body.slice(0, end) : body;
}

/** Parse one NFO document; `name` is the file name, for the error. */
export function parseNfo(body: string, name: string): NfoInfo {
  // Blanking (not cutting) the declaration and DOCTYPE keeps the line and column numbers an error reports.
  const blank = (m: string): string => m.replace(/[^\n]/g, ' ');
  let doc = documentPart(body.replace(/^\uFEFF/, '')).replace(/^\s*<\?xml[^>]*\?>/i, blank).replace(/<!DOCTYPE[^>]*>/i, blank);
  let valid = XMLValidator.validate(doc);
  // Kodi writes one <episodedetails> per episode of a multi-episode file, side by side:
  // under one made-up root they are a valid document.
  if (valid !== true && /multiple possible root/i.test(valid.err.msg)) valid = XMLValidator.validate((doc = `<nfo>${doc}</nfo>`));
  else doc = `<nfo>${doc}</nfo>`;
  if (valid !== true) throw new NfoError(`${name}: not valid XML at line ${valid.err.line}, column ${valid.err.col} (${valid.err.msg})`);
  const root = (parser.parse(doc) as Node).nfo as Node;
  if (!root || typeof root !== 'object') throw new NfoError(`${name}: not a Kodi NFO (expected a <tvshow>, <episodedetails> or <movie> document)`);
  const key = Object.keys(root).find((k) => ROOTS[k.toLowerCase()]);
  if (!key) throw new NfoError(`${name}: not a Kodi NFO (expected a <tvshow>, <episodedetails> or <movie> document)`);
  const kind = ROOTS[key.toLowerCase()] as NfoKind;
  let node = root[key];
  // A file of several episodes lists each; the first names the file.
  if (Array.isArray(node)) node = node[0];
  const n: Node = node && typeof node === 'object' ? (node as Node) : {};
  const aired = date(n.aired) ?? date(n.premiered) ?? date(n.releasedate);
  const year = int(n.year, 1800, 2999) ?? (aired ? Number(aired.slice(0, 4)) : null);
  const genres = (Array.isArray(n.genre) ? n.genre : [])
    .flatMap((g) => (text(g) ?? '').split(/\s*[/|;]\s*/))
    .map((g) => g.trim())
    .filter(Boolean);
  const runtimeMin = int(n.runtime, 1, 100_000);
  return {
    kind,
    title: text(n.title),
    showTitle: text(n.showtitle),
    season: kind === 'movie' ? null : int(n.season, 0, 10_000),
    episode: kind === 'episode' ? int(n.episode, 0, 100_000) : null,
    plot: text(n.plot) ?? text(n.outline),
    aired,
    year,
    genres: [...new Set(genres)].slice(0, 8),
    tags: [...new Set((Array.isArray(n.tag) ? n.tag : []).map(text).filter((t): t is string => t !== null))].slice(0, 32),
    rating: normalizeRating(text(n.mpaa) ?? text(n.certification)),
    runtimeMs: runtimeMin === null ? null : runtimeMin * 60_000,
  };
}
