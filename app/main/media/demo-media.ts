/**
 * Generates the demo station's media with ffmpeg: shows, movies, commercials,
 * bumpers, promos, station IDs and filler, each with a burnt-in title and a tone.
 * Long items are a short titled clip looped by stream copy, so a first start takes
 * seconds, not minutes, and the files stay small.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resourcesDir } from '../config/resources.ts';
import { filterValue } from '../playout/filter-escape.ts';
import { resolveFfmpegBinaries, type FfmpegBinaries } from './ffmpeg-binaries.ts';
import { runBinary } from './test-media.ts';

export interface DemoItem {
  relPath: string;
  title: string;
  subtitle: string;
  seconds: number;
  color: string;
  toneHz: number;
  /** Chapter starts in seconds (break points), besides 0. */
  chapters?: number[];
  /** Container tags, read back by the scan into the guide (description, genre, date). */
  tags?: Record<string, string>;
  /** A Kodi NFO written beside the file (episode or movie details, with the rating). */
  nfo?: string;
}

/** The demo's shows as Kodi describes them: tvshow.nfo in each show's folder. */
export interface DemoShow {
  folder: string;
  title: string;
  plot: string;
  genres: string[];
  rating: string;
  premiered: string;
}

const xml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function showNfo(s: DemoShow): string {
  return ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<tvshow>', `  <title>${xml(s.title)}</title>`, `  <plot>${xml(s.plot)}</plot>`,
    ...s.genres.map((g) => `  <genre>${xml(g)}</genre>`), `  <mpaa>${xml(s.rating)}</mpaa>`, `  <premiered>${s.premiered}</premiered>`, '</tvshow>', ''].join('\n');
}

function episodeNfo(show: string, season: number, episode: number, title: string, plot: string, aired: string): string {
  return ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<episodedetails>', `  <title>${xml(title)}</title>`, `  <showtitle>${xml(show)}</showtitle>`,
    `  <season>${season}</season>`, `  <episode>${episode}</episode>`, `  <plot>${xml(plot)}</plot>`, `  <aired>${aired}</aired>`, '</episodedetails>', ''].join('\n');
}

function movieNfo(title: string, plot: string, year: number, genres: string[], rating: string): string {
  return ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<movie>', `  <title>${xml(title)}</title>`, `  <plot>${xml(plot)}</plot>`, `  <year>${year}</year>`,
    ...genres.map((g) => `  <genre>${xml(g)}</genre>`), `  <mpaa>${xml(rating)}</mpaa>`, '</movie>', ''].join('\n');
}

export const DEMO_SHOWS: DemoShow[] = [
  { folder: 'Space Patrol', title: 'Space Patrol', plot: 'The crew of the starship Meridian keeps the spaceways safe.', genres: ['Science Fiction', 'Adventure'], rating: 'TV-PG', premiered: '1962-09-14' },
  { folder: 'Kitchen Heroes', title: 'Kitchen Heroes', plot: 'Two neighbours, one kitchen and a deadline.', genres: ['Cooking', 'Reality'], rating: 'TV-G', premiered: '1978-01-09' },
  { folder: 'Saturday Toons', title: 'Saturday Toons', plot: 'Cartoons for Saturday morning.', genres: ['Animation', 'Kids'], rating: 'TV-Y7', premiered: '1981-09-12' },
  { folder: 'Night Detective', title: 'Night Detective', plot: 'A private eye works the city after dark.', genres: ['Crime', 'Drama'], rating: 'TV-14', premiered: '1974-10-02' },
];

/** Episode names and plots, by show folder (in episode order). */
const EPISODES: Record<string, Array<[string, string]>> = {
  'Space Patrol': [
    ["The Comet's Tail", 'A comet on a collision course hides a stowaway.'],
    ['Dark Side of Io', 'A distress call leads the Meridian into a trap.'],
    ['Meridian Adrift', 'With the engines dead, the crew has one day of air.'],
  ],
  'Kitchen Heroes': [
    ['Soufflé Panic', 'The oven breaks an hour before the dinner party.'],
    ['The Great Bake-Off', 'A neighbourhood contest, and a cake that will not rise.'],
  ],
  'Saturday Toons': [
    ['Rocket Pup', 'A puppy finds a rocket in the backyard.'],
    ['Rocket Pup Returns', 'Rocket Pup visits the moon and makes a friend.'],
    ['Pup vs. the Robots', 'Toy robots come alive, and only Pup can stop them.'],
  ],
  'Night Detective': [['The Neon Alibi', 'A singer swears she was on stage when the safe was cracked.']],
};

const min = 60;

function episodes(series: string, folder: string, color: string, runtimes: number[], baseTone: number, withChapters: boolean, tags: Record<string, string> = {}): DemoItem[] {
  return runtimes.map((secs, i) => {
    const ep = `S01E${String(i + 1).padStart(2, '0')}`;
    const [name, plot] = EPISODES[folder]?.[i] ?? [`Episode ${i + 1}`, tags.description ?? ''];
    const premiered = DEMO_SHOWS.find((s) => s.folder === folder)?.premiered ?? '1970-01-01';
    const aired = `${premiered.slice(0, 4)}-${String(9 + Math.floor(i / 4)).padStart(2, '0')}-${String(1 + 7 * (i % 4)).padStart(2, '0')}`;
    return {
      nfo: episodeNfo(series, 1, i + 1, name, plot, aired),
      relPath: `shows/${folder}/${folder.replace(/ /g, '.')}.${ep}.mp4`,
      title: series,
      subtitle: `Season 1 · Episode ${i + 1}`,
      seconds: secs,
      color,
      toneHz: baseTone + i * 20,
      chapters: withChapters ? [Math.round(secs / 3), Math.round((2 * secs) / 3)] : undefined,
      tags,
    };
  });
}

/** What the demo station owns. Runtimes are TV-like so the grid and breaks look real. */
export const DEMO_LIBRARY: DemoItem[] = [
  ...episodes('Space Patrol', 'Space Patrol', '0x1b2a6b', [22 * min, 21.5 * min, 22.5 * min], 330, true, { genre: 'Science fiction', description: 'The crew of the starship Meridian keeps the spaceways safe.', date: '1962' }),
  ...episodes('Kitchen Heroes', 'Kitchen Heroes', '0x6b3a1b', [23 * min, 22 * min], 392, false, { genre: 'Cooking', description: 'Two neighbours, one kitchen and a deadline.', date: '1978' }),
  ...episodes('Saturday Toons', 'Saturday Toons', '0x1b6b3a', [11 * min, 11.5 * min, 10.5 * min], 523, false, { genre: 'Animation; Kids', description: 'Cartoons for Saturday morning.', date: '1981' }),
  ...episodes('Night Detective', 'Night Detective', '0x2a1b4b', [44 * min], 262, true, { genre: 'Crime; Drama', description: 'A private eye works the city after dark.', date: '1974' }),
  {
    relPath: 'movies/The.Long.Night.mp4', title: 'The Long Night', subtitle: 'Feature presentation', seconds: 100 * min, color: '0x111111', toneHz: 196, chapters: [25 * min, 50 * min, 75 * min],
    tags: { genre: 'Drama; Thriller', description: 'A storm cuts the town off, and the night will not end.', date: '1987' },
    nfo: movieNfo('The Long Night', 'A storm cuts the town off, and the night will not end.', 1987, ['Drama', 'Thriller'], 'PG-13'),
  },
  {
    relPath: 'movies/Robot.Summer.mp4', title: 'Robot Summer', subtitle: 'Feature presentation', seconds: 75 * min, color: '0x4b1b1b', toneHz: 220, chapters: [25 * min, 50 * min],
    tags: { genre: 'Science fiction; Family', description: 'A boy and a junkyard robot spend one summer saving the fair.', date: '1984' },
    nfo: movieNfo('Robot Summer', 'A boy and a junkyard robot spend one summer saving the fair.', 1984, ['Science Fiction', 'Family'], 'PG'),
  },
  ...[
    ['Fizzy Cola', '0xc0392b', 30], ['Sunny Flakes', '0xd4ac0d', 30], ['Turbo Wax', '0x2e86c1', 15], ['Moon Shoes', '0x8e44ad', 30],
    ['Dr. Tooth', '0x17a589', 15], ['Pizza Planet', '0xca6f1e', 30], ['Bright Bulbs', '0x5d6d7e', 15], ['Cozy Socks', '0xa93226', 20],
  ].map(([name, color, secs], i): DemoItem => ({
    relPath: `commercials/${String(name).replace(/[ .]+/g, '.')}.mp4`, title: String(name), subtitle: 'Commercial', seconds: Number(secs), color: String(color), toneHz: 600 + i * 40,
  })),
  { relPath: 'bumpers/pre/Right.Back.mp4', title: "We'll be right back", subtitle: 'RetroVue', seconds: 5, color: '0x0b3d91', toneHz: 880 },
  { relPath: 'bumpers/post/Back.To.The.Show.mp4', title: 'And now, back to the show', subtitle: 'RetroVue', seconds: 5, color: '0x0b3d91', toneHz: 988 },
  { relPath: 'promos/Promo.Space.Patrol.mp4', title: 'Space Patrol', subtitle: 'Weeknights at 7 — only on RetroVue', seconds: 20, color: '0x1b2a6b', toneHz: 700 },
  { relPath: 'promos/Promo.Movie.Night.mp4', title: 'Movie Night', subtitle: 'Fridays — The Long Night', seconds: 15, color: '0x111111', toneHz: 720 },
  { relPath: 'promos/Promo.Toons.mp4', title: 'Saturday Toons', subtitle: 'Saturday mornings', seconds: 15, color: '0x1b6b3a', toneHz: 740 },
  { relPath: 'ids/RetroVue.ID.mp4', title: 'RetroVue', subtitle: 'Your station for classic TV', seconds: 10, color: '0x000000', toneHz: 1046 },
  { relPath: 'ids/RetroVue.ID.Night.mp4', title: 'RetroVue', subtitle: 'All night long', seconds: 10, color: '0x000022', toneHz: 1174 },
  { relPath: 'filler/Test.Pattern.mp4', title: 'RetroVue', subtitle: 'Please stand by', seconds: 60, color: '0x333333', toneHz: 1000 },
];

const BASE_SECONDS = 20;

function writeIfMissing(file: string, text: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function demoFontFile(): string | null {
  return resourcesDir('fonts/DejaVuSans-Bold.ttf');
}

function titleFilter(item: DemoItem, font: string | null, w: number, h: number): string {
  const box = `drawbox=x='mod(t*${Math.round(w / 6)},${w})':y=${Math.round(h * 0.8)}:w=${Math.round(w / 16)}:h=${Math.round(h / 24)}:color=white@0.6:t=fill`;
  if (!font) return box;
  const f = filterValue(font);
  return [
    `drawtext=expansion=none:fontfile=${f}:text=${filterValue(item.title)}:fontcolor=white:fontsize=${Math.round(h / 9)}:x=(w-text_w)/2:y=h*0.36`,
    `drawtext=expansion=none:fontfile=${f}:text=${filterValue(item.subtitle)}:fontcolor=white@0.85:fontsize=${Math.round(h / 20)}:x=(w-text_w)/2:y=h*0.52`,
    box,
  ].join(',');
}

async function ffmpeg(bin: string, args: string[]): Promise<void> {
  const r = await runBinary(bin, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
  if (r.code !== 0) throw new Error(`ffmpeg could not make demo media (${r.code}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
}

export interface DemoMediaOptions {
  width?: number;
  height?: number;
  binaries?: FfmpegBinaries;
  items?: DemoItem[];
  onProgress?: (done: number, total: number, item: DemoItem) => void;
}

/** Make every missing demo file under `dir`; existing ones are kept. Returns the folder. */
export async function generateDemoMedia(dir: string, opts: DemoMediaOptions = {}): Promise<string> {
  const bin = (opts.binaries ?? resolveFfmpegBinaries()).ffmpeg;
  const w = opts.width ?? 640;
  const h = opts.height ?? 360;
  const font = demoFontFile();
  const items = opts.items ?? DEMO_LIBRARY;
  let done = 0;
  let next = 0;
  // Kodi NFOs beside the media: the scan reads titles, plots, genres and ratings from them.
  if (!opts.items) {
    for (const show of DEMO_SHOWS) writeIfMissing(path.join(dir, 'shows', show.folder, 'tvshow.nfo'), showNfo(show));
  }
  for (const item of items) if (item.nfo) writeIfMissing(path.join(dir, item.relPath.replace(/\.[^.]+$/, '.nfo')), item.nfo);
  const makeOne = async (item: DemoItem): Promise<void> => {
    const out = path.join(dir, item.relPath);
    if (!existsSync(out)) {
      mkdirSync(path.dirname(out), { recursive: true });
      const base = Math.min(item.seconds, BASE_SECONDS);
      // Write under a temporary name: an interrupted run never leaves a half file that looks complete.
      const tmpBase = `${out}.base.mp4`;
      const tmpOut = `${out}.part.mp4`;
      await ffmpeg(bin, [
        // 15 fps and 24 kHz mono keep files small and fast to loop; playout normalises to the channel's format.
        '-f', 'lavfi', '-i', `color=c=${item.color}:s=${w}x${h}:r=15:d=${base},${titleFilter(item, font, w, h)}`,
        '-f', 'lavfi', '-i', `sine=frequency=${item.toneHz}:sample_rate=24000:duration=${base},volume=0.15`,
        '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '38', '-g', '15', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '24k', '-t', String(base), tmpBase,
      ]);
      const loopArgs = ['-stream_loop', '-1', '-i', tmpBase];
      const metaArgs: string[] = [];
      if (item.chapters?.length) {
        const meta = `${out}.ffmeta`;
        const bounds = [0, ...item.chapters, item.seconds];
        writeFileSync(meta, ';FFMETADATA1\n' + bounds.slice(0, -1).map((s, i) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${Math.round(s * 1000)}\nEND=${Math.round((bounds[i + 1] as number) * 1000)}\ntitle=Act ${i + 1}\n`).join(''));
        metaArgs.push('-f', 'ffmetadata', '-i', meta, '-map_metadata', '1', '-map_chapters', '1');
      }
      const tagArgs = Object.entries(item.tags ?? {}).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
      await ffmpeg(bin, [...loopArgs, ...metaArgs, '-map', '0', '-c', 'copy', ...tagArgs, '-t', String(item.seconds), tmpOut]);
      renameSync(tmpOut, out);
      rmSync(tmpBase, { force: true });
      rmSync(`${out}.ffmeta`, { force: true });
    }
    opts.onProgress?.(++done, items.length, item);
  };
  const worker = async (): Promise<void> => {
    while (next < items.length) await makeOne(items[next++] as DemoItem);
  };
  await Promise.all([worker(), worker()]);
  return dir;
}
