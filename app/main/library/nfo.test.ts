import { describe, expect, it } from 'vitest';
import { mergeNfo } from './nfo-sidecars.ts';
import { NfoError, normalizeRating, parseNfo } from './nfo.ts';

const TVSHOW = `<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<!-- created by tinyMediaManager -->
<tvshow>
  <title>Space Patrol</title>
  <plot>The crew of the starship Meridian keeps the spaceways safe &amp; sound.</plot>
  <mpaa>US:TV-PG</mpaa>
  <genre>Science Fiction</genre>
  <genre>Adventure / Kids</genre>
  <premiered>1962-09-01</premiered>
  <tag>family</tag>
</tvshow>`;

const EPISODE = `<?xml version="1.0" encoding="UTF-8"?>
<episodedetails>
  <title>The Moon &lt;Part 1&gt;</title>
  <showtitle>Space Patrol</showtitle>
  <season>1</season>
  <episode>2</episode>
  <plot>The Meridian lands
     on the far side.</plot>
  <aired>1962-09-08</aired>
  <runtime>22</runtime>
  <uniqueid type="tvdb" default="true">12345</uniqueid>
</episodedetails>
https://thetvdb.com/?tab=episode&id=12345`;

const MOVIE = `<movie><title>The Long Night</title><year>1987</year><mpaa>Rated PG-13</mpaa><genre>Drama</genre><genre>Thriller</genre><runtime>100</runtime><plot>A night that never ends.</plot></movie>`;

describe('NFO files (Kodi/Jellyfin)', () => {
  it('reads a tvshow, an episode (with a trailing scraper URL) and a movie', () => {
    expect(parseNfo(TVSHOW, 'tvshow.nfo')).toEqual({
      kind: 'tvshow', title: 'Space Patrol', showTitle: null, season: null, episode: null,
      plot: 'The crew of the starship Meridian keeps the spaceways safe & sound.', aired: '1962-09-01', year: 1962,
      genres: ['Science Fiction', 'Adventure', 'Kids'], tags: ['family'], rating: 'TV-PG', runtimeMs: null,
    });
    expect(parseNfo(EPISODE, 'e.nfo')).toEqual({
      kind: 'episode', title: 'The Moon <Part 1>', showTitle: 'Space Patrol', season: 1, episode: 2,
      plot: 'The Meridian lands on the far side.', aired: '1962-09-08', year: 1962, genres: [], tags: [], rating: null, runtimeMs: 22 * 60_000,
    });
    expect(parseNfo(MOVIE, 'movie.nfo')).toMatchObject({ kind: 'movie', title: 'The Long Night', year: 1987, rating: 'PG-13', genres: ['Drama', 'Thriller'], runtimeMs: 100 * 60_000 });
  });

  it('a multi-episode file: the first episode names it', () => {
    const two = `<episodedetails><title>One</title><season>1</season><episode>3</episode></episodedetails>\n<episodedetails><title>Two</title><season>1</season><episode>4</episode></episodedetails>`;
    expect(parseNfo(`<?xml version="1.0"?>\n${two}`, 'x.nfo')).toMatchObject({ title: 'One', episode: 3 });
  });

  it('normalises certifications', () => {
    expect(normalizeRating('Rated R')).toBe('R');
    expect(normalizeRating('US:TV-14')).toBe('TV-14');
    expect(normalizeRating('gb:15')).toBe('15');
    expect(normalizeRating('  ')).toBeNull();
  });

  it('a malformed or foreign file is an NfoError naming the file and the line', () => {
    const broken = '<episodedetails>\n  <title>Oops</titel>\n</episodedetails>';
    expect(() => parseNfo(broken, 'shows/X/X.S01E01.nfo')).toThrow(NfoError);
    expect(() => parseNfo(broken, 'shows/X/X.S01E01.nfo')).toThrow(/^shows\/X\/X\.S01E01\.nfo: not valid XML at line 2/);
    expect(() => parseNfo('<html><body>404</body></html>', 'a.nfo')).toThrow(/a\.nfo: not a Kodi NFO/);
    expect(() => parseNfo('just text', 'b.nfo')).toThrow(NfoError);
  });

  it('an episode takes its own file first, then its show', () => {
    const show = parseNfo(TVSHOW, 'tvshow.nfo');
    const ep = parseNfo(EPISODE, 'e.nfo');
    expect(mergeNfo(ep, show, true)).toEqual({
      title: 'The Moon <Part 1>', series: 'Space Patrol', season: 1, episode: 2, description: 'The Meridian lands on the far side.',
      genre: 'Science Fiction; Adventure; Kids', year: 1962, aired: '1962-09-08', rating: 'TV-PG', listedRuntimeMs: 22 * 60_000, tags: ['family'],
    });
    // Only the show's file: the show's title, genres, plot and rating; the name keeps the episode code.
    expect(mergeNfo(null, show, true)).toEqual({ series: 'Space Patrol', description: show.plot, genre: 'Science Fiction; Adventure; Kids', rating: 'TV-PG', tags: ['family'] });
    // A show's file says nothing about what is not an episode.
    expect(mergeNfo(null, show, false)).toEqual({});
    // A movie NFO makes it a movie.
    expect(mergeNfo(parseNfo(MOVIE, 'm.nfo'), null, true)).toMatchObject({ series: null, season: null, episode: null, title: 'The Long Night', rating: 'PG-13' });
  });
});
