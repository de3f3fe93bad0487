/**
 * Which NFO files describe a media file, and what they say about it together:
 *   - `<name>.nfo` beside it (an episode or a movie),
 *   - `movie.nfo` in its folder when it is the folder's only media file,
 *   - the nearest `tvshow.nfo` in its folder or above (season folders), up to the source root.
 * The episode's own file wins over the show's. A broken NFO is a warning naming the
 * file and is skipped; the scan goes on with the file-name conventions.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NfoError, parseNfo, type NfoInfo } from './nfo.ts';

/** What NFOs set on an asset; a field left out keeps what the name and tags said. */
export interface NfoFacts {
  title?: string;
  series?: string | null;
  season?: number | null;
  episode?: number | null;
  description?: string;
  genre?: string;
  year?: number;
  aired?: string;
  rating?: string;
  listedRuntimeMs?: number;
  tags?: string[];
}

export interface NfoFile {
  abs: string;
  mtimeMs: number;
}

export class NfoSidecars {
  /** NFO files by lower-cased absolute path (media folders are matched case-blind, as Kodi does). */
  private readonly files = new Map<string, NfoFile>();
  private readonly mediaPerDir = new Map<string, number>();
  private readonly parsed = new Map<string, Promise<NfoInfo | null>>();
  readonly warnings: string[] = [];

  constructor(
    private readonly root: string,
    nfos: NfoFile[],
    mediaFiles: string[],
  ) {
    for (const f of nfos) this.files.set(f.abs.toLowerCase(), f);
    for (const m of mediaFiles) {
      const dir = path.dirname(m);
      this.mediaPerDir.set(dir, (this.mediaPerDir.get(dir) ?? 0) + 1);
    }
  }

  private find(abs: string): NfoFile | undefined {
    return this.files.get(abs.toLowerCase());
  }

  /** The NFO files that apply to `media`: its own (or movie.nfo), and the show's. */
  filesFor(media: string): { own: NfoFile | undefined; show: NfoFile | undefined } {
    const dir = path.dirname(media);
    const base = path.basename(media, path.extname(media));
    let own = this.find(path.join(dir, `${base}.nfo`));
    if (!own && this.mediaPerDir.get(dir) === 1) own = this.find(path.join(dir, 'movie.nfo'));
    let show: NfoFile | undefined;
    const root = path.resolve(this.root);
    for (let d = dir; ; d = path.dirname(d)) {
      show = this.find(path.join(d, 'tvshow.nfo'));
      if (show || path.resolve(d) === root || path.dirname(d) === d || !path.resolve(d).startsWith(root)) break;
    }
    return { own, show };
  }

  /** Changes whenever an NFO that applies to `media` appears, changes or goes; null when none does. */
  signature(media: string): string | null {
    const { own, show } = this.filesFor(media);
    if (!own && !show) return null;
    const part = (f: NfoFile | undefined): string => (f ? `${path.relative(this.root, f.abs)}@${f.mtimeMs}` : '-');
    return createHash('sha1').update(`${part(own)}|${part(show)}`).digest('hex').slice(0, 16);
  }

  private read(f: NfoFile): Promise<NfoInfo | null> {
    let p = this.parsed.get(f.abs);
    if (!p) {
      const name = path.relative(this.root, f.abs);
      p = readFile(f.abs, 'utf8').then(
        (body) => {
          try {
            return parseNfo(body, name);
          } catch (err) {
            if (!(err instanceof NfoError)) throw err;
            this.warnings.push(`${err.message}; its metadata was skipped (fix or delete the file and scan again)`);
            return null;
          }
        },
        (err: unknown) => {
          this.warnings.push(`${name}: could not be read (${(err as Error).message}); its metadata was skipped`);
          return null;
        },
      );
      this.parsed.set(f.abs, p);
    }
    return p;
  }

  /** What the NFOs of `media` say; `isEpisode` is whether its name gave an episode code. */
  async factsFor(media: string, isEpisode: boolean): Promise<NfoFacts> {
    const files = this.filesFor(media);
    const own = files.own ? await this.read(files.own) : null;
    const show = files.show ? await this.read(files.show) : null;
    return mergeNfo(own?.kind === 'tvshow' ? null : own, show?.kind === 'tvshow' ? show : null, isEpisode);
  }
}

/** The facts of an asset's own NFO over its show's. Pure. */
export function mergeNfo(own: NfoInfo | null, show: NfoInfo | null, isEpisode: boolean): NfoFacts {
  const out: NfoFacts = {};
  const set = <K extends keyof NfoFacts>(k: K, v: NfoFacts[K] | null | undefined): void => {
    if (v !== null && v !== undefined && v !== '') out[k] = v;
  };
  if (own?.kind === 'movie') {
    // A movie NFO says the file is a movie, whatever its name looked like.
    out.series = null;
    out.season = null;
    out.episode = null;
  }
  const episodeLike = own?.kind === 'episode' || (own === null && isEpisode);
  if (episodeLike && show) set('series', show.title);
  if (own?.kind === 'episode') {
    set('series', own.showTitle);
    set('season', own.season);
    set('episode', own.episode);
  }
  set('title', own?.title);
  set('description', own?.plot ?? (episodeLike ? show?.plot : null));
  const genres = own?.genres.length ? own.genres : episodeLike ? (show?.genres ?? []) : [];
  if (genres.length) out.genre = genres.join('; ');
  set('year', own?.year);
  set('aired', own?.aired);
  set('rating', own?.rating ?? (episodeLike ? show?.rating : null));
  set('listedRuntimeMs', own?.runtimeMs);
  const tags = [...new Set([...(own?.tags ?? []), ...(episodeLike ? (show?.tags ?? []) : [])])];
  if (tags.length) out.tags = tags;
  return out;
}
