/**
 * Daypart restrictions: a zone may allow programs rated at most some certification
 * ("no TV-MA before 22:00") and may require tags. US TV (V-chip) and US film (MPAA)
 * ratings share one scale, so a zone's "TV-PG" also admits a PG film and keeps out an R.
 * Pure: the resolver filters each zone's programs with it, so nothing else can air there.
 */
import type { LibraryAsset } from './types.ts';

/** Each certification's place on the one scale (higher = for older audiences). */
const LEVELS: Record<string, number> = {
  'TV-Y': 0,
  'TV-Y7': 1,
  'TV-Y7-FV': 1,
  'TV-G': 2,
  G: 2,
  'TV-PG': 3,
  PG: 3,
  'TV-14': 4,
  'PG-13': 4,
  'TV-MA': 5,
  R: 5,
  'NC-17': 6,
};

export const KNOWN_RATINGS: readonly string[] = Object.keys(LEVELS);

/** The level of a certification, or null when it is not one we know (then it counts as unrated). */
export function ratingLevel(rating: string | null | undefined): number | null {
  if (!rating) return null;
  return LEVELS[rating.trim().toUpperCase()] ?? null;
}

export interface Restriction {
  maxRating: string | null;
  /** Lower-cased; an asset needs at least one of them among its tags and genres. */
  tags: string[];
  allowUnrated: boolean;
}

export const NO_RESTRICTION: Restriction = { maxRating: null, tags: [], allowUnrated: true };

export function isRestricted(r: Restriction): boolean {
  return r.maxRating !== null || r.tags.length > 0;
}

/** Whether `asset` may air under `r`. */
export function eligible(asset: Pick<LibraryAsset, 'rating' | 'tags'>, r: Restriction): boolean {
  if (r.maxRating !== null) {
    const level = ratingLevel(asset.rating);
    if (level === null ? !r.allowUnrated : level > (ratingLevel(r.maxRating) ?? Infinity)) return false;
  }
  if (r.tags.length > 0) {
    const own = asset.tags ?? [];
    if (!r.tags.some((t) => own.includes(t))) return false;
  }
  return true;
}

/** "rated TV-PG or below (unrated allowed), tagged kids or family", for the report. */
export function describeRestriction(r: Restriction): string {
  const parts: string[] = [];
  if (r.maxRating !== null) parts.push(`rated ${r.maxRating} or below${r.allowUnrated ? ' (unrated allowed)' : ''}`);
  if (r.tags.length > 0) parts.push(`tagged ${r.tags.join(' or ')}`);
  return parts.join(', ');
}
