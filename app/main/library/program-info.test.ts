import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../media/ffprobe.ts';
import { enrichFromProbe } from './enricher.ts';
import { programInfo, realEpisodeTitle, splitGenres, type AssetFacts } from './program-info.ts';

const base: AssetFacts = {
  id: 1, kind: 'program', title: 'x', series: null, season: null, episode: null, relPath: 'x.mp4', durationMs: 22 * 60_000, description: null, genre: null, year: null,
};

describe('what a guide says about an asset', () => {
  it('an episode is Series, titled by its series, with its own title only when the name gave one', () => {
    const named = programInfo({ ...base, title: 'The Moon', series: 'Space Patrol', season: 1, episode: 2, relPath: 'shows/Space Patrol/Space.Patrol.S01E02.The.Moon.mp4' });
    expect(named).toMatchObject({ title: 'Space Patrol', episodeTitle: 'The Moon', isSeries: true, isMovie: false, season: 1, episode: 2 });
    // parseFileName's stand-in title for a name without an episode title is not an episode title.
    const bare = programInfo({ ...base, title: 'Space Patrol S01E03', series: 'Space Patrol', season: 1, episode: 3 });
    expect(bare).toMatchObject({ title: 'Space Patrol', episodeTitle: null, isSeries: true });
    expect(programInfo({ ...base, title: 'Space Patrol', series: 'Space Patrol', season: 1, episode: 4 }).episodeTitle).toBeNull();
  });

  it('a schedule stores an episode title only when the name gave one', () => {
    expect(realEpisodeTitle({ title: 'The Moon', series: 'Space Patrol', season: 1, episode: 2 })).toBe('The Moon');
    expect(realEpisodeTitle({ title: 'Space Patrol S01E02', series: 'Space Patrol', season: 1, episode: 2 })).toBeNull();
    expect(realEpisodeTitle({ title: 'Space Patrol', series: 'Space Patrol', season: 1, episode: 2 })).toBeNull();
    expect(realEpisodeTitle({ title: 'Movie Night', series: null, season: null, episode: null })).toBeNull();
  });

  it('a program of no series is a Movie when filed as one or feature length; a short one is neither', () => {
    expect(programInfo({ ...base, title: 'The Long Night', relPath: 'movies/The Long Night (1987).mp4', durationMs: 5000 })).toMatchObject({ isMovie: true, isSeries: false, title: 'The Long Night' });
    expect(programInfo({ ...base, title: 'Epic', relPath: 'misc/Epic.mp4', durationMs: 100 * 60_000 }).isMovie).toBe(true);
    expect(programInfo({ ...base, title: 'Special', relPath: 'shows/Special.mp4', durationMs: 20 * 60_000 })).toMatchObject({ isMovie: false, isSeries: false });
    // Interstitials are never programmes of either kind.
    expect(programInfo({ ...base, kind: 'commercial', relPath: 'movies/trailer.mp4' })).toMatchObject({ isMovie: false, isSeries: false });
  });

  it('splits genres as tagged', () => {
    expect(splitGenres('Drama; Thriller, Drama / Kids')).toEqual(['Drama', 'Thriller', 'Kids']);
    expect(splitGenres(null)).toEqual([]);
  });

  it('takes description, genre and year from container tags, whatever their case', () => {
    const probe = (tags: Record<string, string>): ProbeResult => ({
      streams: [{ index: 0, codec_type: 'video', codec_name: 'h264', width: 16, height: 16, avg_frame_rate: '25/1' }],
      chapters: [],
      format: { format_name: 'mov,mp4', duration: '2.0', tags },
    });
    const mp4 = enrichFromProbe(probe({ description: '  A night  that never ends. ', genre: 'Drama', date: '1987-05-01', creation_time: '2024-01-01T00:00:00Z' }));
    expect(mp4.ok && mp4.value).toMatchObject({ description: 'A night that never ends.', genre: 'Drama', year: 1987 });
    const mkv = enrichFromProbe(probe({ DESCRIPTION: 'Upper', GENRE: 'Kids', DATE: '2003' }));
    expect(mkv.ok && mkv.value).toMatchObject({ description: 'Upper', genre: 'Kids', year: 2003 });
    // An encoding time is not a release date.
    const untagged = enrichFromProbe(probe({ creation_time: '2024-01-01T00:00:00Z' }));
    expect(untagged.ok && untagged.value).toMatchObject({ description: null, genre: null, year: null });
  });
});
