/**
 * Incremental scan of a local source folder.
 *
 * Unchanged files (same size and mtime) are not probed again; new and changed files
 * are probed; files that are gone are retired. A scan that cannot read the source
 * root changes nothing, and a subfolder that cannot be read keeps its assets as they
 * were: a failed scan never loses rows.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MasterClock } from '../clock/master-clock.ts';
import type { Db } from '../db/database.ts';
import { assets, collections, sources } from '../db/schema/index.ts';
import { detectBreaks, type BreakDetectOutcome } from '../media/break-detect.ts';
import { ffprobe, type ProbeOutcome } from '../media/ffprobe.ts';
import { measureLoudness, type LoudnessOutcome } from '../media/loudness.ts';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { kindFromRelPath, parseFileName } from './asset-kind.ts';
import { enrichFromProbe } from './enricher.ts';
import { LibraryError } from './library-errors.ts';
import { NfoSidecars, type NfoFile } from './nfo-sidecars.ts';
import type { LibraryService, SourceRow } from './library-service.ts';

const MEDIA_EXTENSIONS = new Set([
  '.mp4', '.m4v', '.mkv', '.mov', '.avi', '.ts', '.m2ts', '.mts', '.mpg', '.mpeg', '.webm', '.wmv', '.flv', '.ogv', '.3gp', '.vob', '.divx', '.mxf', '.nut',
  '.mp3', '.m4a', '.aac', '.flac', '.wav', '.ogg', '.opus',
]);

export function isMediaFileName(name: string): boolean {
  return MEDIA_EXTENSIONS.has(path.extname(name).toLowerCase());
}

export interface ScanProgress {
  phase: 'walking' | 'probing' | 'detecting' | 'measuring' | 'done';
  done: number;
  total: number;
  current?: string;
}

export interface ScanSummary {
  source: string;
  filesSeen: number;
  added: number;
  changed: number;
  unchanged: number;
  probed: number;
  ready: number;
  failed: { path: string; reason: string }[];
  retired: number;
  unreadableFolders: string[];
  /** Problems that did not stop the scan (a broken NFO file), each naming its file. */
  warnings: string[];
  /** Programs without chapters looked through for break points (black + silence). */
  breaksDetected: number;
  /** Assets whose loudness was measured. */
  loudnessMeasured: number;
}

interface FoundFile {
  abs: string;
  rel: string;
  size: number;
  mtimeMs: number;
}

export type BreakDetector = (file: string, media: { durationMs: number; hasAudio: boolean; hasVideo: boolean }) => Promise<BreakDetectOutcome>;

export interface ScannerOptions {
  concurrency?: number;
  probe?: (file: string) => Promise<ProbeOutcome>;
  /** Break detection for programs without chapters; false turns it off. */
  detect?: BreakDetector | false;
  /** Loudness measurement of everything with sound; false turns it off. */
  measure?: ((file: string) => Promise<LoudnessOutcome>) | false;
}

export class Scanner {
  private readonly probe: (file: string) => Promise<ProbeOutcome>;
  private readonly concurrency: number;
  private readonly usesFfprobe: boolean;
  private readonly detect: BreakDetector | null;
  private readonly measure: ((file: string) => Promise<LoudnessOutcome>) | null;

  constructor(
    private readonly db: Db,
    private readonly library: LibraryService,
    private readonly clock: MasterClock,
    options: ScannerOptions = {},
  ) {
    this.usesFfprobe = !options.probe;
    this.probe = options.probe ?? ((f) => ffprobe(f));
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.detect = options.detect === false ? null : (options.detect ?? ((f, m) => detectBreaks(f, m)));
    this.measure = options.measure === false ? null : (options.measure ?? ((f) => measureLoudness(f)));
  }

  async scan(sourceName: string, onProgress?: (p: ScanProgress) => void): Promise<ScanSummary> {
    const source = this.library.requireSource(sourceName);
    if (this.usesFfprobe) resolveFfmpegBinaries(); // fail before any write if ffprobe is missing
    const unreadable: string[] = [];
    onProgress?.({ phase: 'walking', done: 0, total: 0 });
    const nfos: NfoFile[] = [];
    const files = await this.walkRoot(source, unreadable, nfos);
    const sidecars = new NfoSidecars(source.path, nfos, files.map((f) => f.abs));
    const summary: ScanSummary = {
      source: source.name, filesSeen: files.length, added: 0, changed: 0, unchanged: 0, probed: 0, ready: 0, failed: [], retired: 0, unreadableFolders: unreadable,
      warnings: sidecars.warnings, breaksDetected: 0, loudnessMeasured: 0,
    };

    const existing = new Map(this.library.listAssets({ sourceId: source.id }).map((a) => [a.path, a]));
    const toProbe: number[] = [];
    const now = this.clock.nowMs();
    this.db.transaction(() => {
      for (const f of files) {
        const row = existing.get(f.abs);
        if (!row) {
          const collectionId = this.ensureCollection(source, path.dirname(f.rel) === '.' ? '' : path.dirname(f.rel));
          const parsed = parseFileName(f.rel);
          const inserted = this.db
            .insert(assets)
            .values({
              sourceId: source.id, collectionId, path: f.abs, relPath: f.rel, sizeBytes: f.size, mtimeMs: f.mtimeMs, state: 'new', kind: kindFromRelPath(f.rel),
              title: parsed.title, series: parsed.series, season: parsed.season, episode: parsed.episode, year: parsed.year, createdAtMs: now, updatedAtMs: now,
            })
            .returning({ id: assets.id })
            .get();
          summary.added++;
          toProbe.push(inserted.id);
          continue;
        }
        const changed = row.sizeBytes !== f.size || row.mtimeMs !== f.mtimeMs;
        if (row.state === 'retired') {
          this.library.transition(row.id, 'new', null, { sizeBytes: f.size, mtimeMs: f.mtimeMs, detectedBreaks: null, loudnessAtMs: null });
          summary.changed++;
          toProbe.push(row.id);
        } else if (changed) {
          if (row.state === 'ready') this.library.transition(row.id, 'enriching', 'file changed; probing again');
          // New content: its break points are looked for again.
          this.db.update(assets).set({ sizeBytes: f.size, mtimeMs: f.mtimeMs, updatedAtMs: now, detectedBreaks: null, loudnessAtMs: null }).where(eq(assets.id, row.id)).run();
          summary.changed++;
          toProbe.push(row.id);
        } else if (row.state === 'enriching' || (row.state === 'new' && row.stateReason === null)) {
          // An earlier scan was interrupted before probing this one.
          toProbe.push(row.id);
        } else if (row.state === 'ready' && row.nfoSig !== sidecars.signature(f.abs)) {
          // An NFO beside it appeared, changed or went: its metadata is read again.
          this.library.transition(row.id, 'enriching', 'NFO metadata changed; reading it again');
          summary.changed++;
          toProbe.push(row.id);
        } else {
          summary.unchanged++;
        }
      }
      // Retire what vanished, except under folders we could not read this time.
      const seen = new Set(files.map((f) => f.abs));
      const gone = [...existing.values()].filter(
        (a) => a.state !== 'retired' && !seen.has(a.path) && !unreadable.some((dir) => a.path.startsWith(dir + path.sep)),
      );
      this.library.transitionMany(gone.map((a) => a.id), 'retired', 'file is gone from the source folder');
      summary.retired = gone.length;
    });

    await this.probeAll(toProbe, summary, sidecars, onProgress);
    if (this.detect) await this.detectAll(source, this.detect, summary, onProgress);
    if (this.measure) await this.measureAll(source, this.measure, summary, onProgress);
    this.db.update(sources).set({ lastScanAtMs: this.clock.nowMs() }).where(eq(sources.id, source.id)).run();
    onProgress?.({ phase: 'done', done: toProbe.length, total: toProbe.length });
    return summary;
  }

  private async probeAll(ids: number[], summary: ScanSummary, sidecars: NfoSidecars, onProgress?: (p: ScanProgress) => void): Promise<void> {
    let next = 0;
    let done = 0;
    onProgress?.({ phase: 'probing', done, total: ids.length });
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next++] as number;
        const row = this.library.requireAsset(id);
        if (row.state !== 'enriching') this.library.transition(id, 'enriching');
        const outcome = await this.probe(row.path);
        const enriched = outcome.ok ? enrichFromProbe(outcome.result) : outcome;
        if (enriched.ok) {
          const v = enriched.value;
          // NFO files win, then the container's tags, then the file name's conventions.
          const name = parseFileName(row.relPath);
          const nfo = await sidecars.factsFor(row.path, name.episode !== null);
          this.library.transition(id, 'ready', null, {
            durationMs: v.durationMs, container: v.container, video: v.video, audio: v.audio, chapters: v.chapters, bitRate: v.bitRate, probedAtMs: this.clock.nowMs(),
            title: nfo.title ?? name.title,
            series: nfo.series !== undefined ? nfo.series : name.series,
            season: nfo.season !== undefined ? nfo.season : name.season,
            episode: nfo.episode !== undefined ? nfo.episode : name.episode,
            description: nfo.description ?? v.description, genre: nfo.genre ?? v.genre, year: nfo.year ?? v.year ?? name.year,
            rating: nfo.rating ?? null, aired: nfo.aired ?? null, listedRuntimeMs: nfo.listedRuntimeMs ?? null, tags: nfo.tags ?? [], nfoSig: sidecars.signature(row.path),
          });
          summary.ready++;
        } else {
          this.library.transition(id, 'new', enriched.reason, { probedAtMs: this.clock.nowMs() });
          summary.failed.push({ path: row.relPath, reason: enriched.reason });
        }
        summary.probed++;
        onProgress?.({ phase: 'probing', done: ++done, total: ids.length, current: row.relPath });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, ids.length) }, worker));
  }

  /**
   * The break-point enricher: ready programs of the source that have no chapters and
   * were not looked through yet (new, changed, or scanned before detection existed).
   * Assets stay ready throughout: the schedule picks the breaks up at its next build.
   */
  private async detectAll(source: SourceRow, detect: BreakDetector, summary: ScanSummary, onProgress?: (p: ScanProgress) => void): Promise<void> {
    const rows = this.db
      .select({ id: assets.id, path: assets.path, relPath: assets.relPath, durationMs: assets.durationMs, video: assets.video, audio: assets.audio })
      .from(assets)
      .where(and(eq(assets.sourceId, source.id), eq(assets.state, 'ready'), eq(assets.kind, 'program'), isNull(assets.detectedBreaks), sql`${assets.chapters} = '[]'`))
      .orderBy(assets.relPath)
      .all();
    let next = 0;
    let done = 0;
    onProgress?.({ phase: 'detecting', done, total: rows.length });
    const worker = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++] as (typeof rows)[number];
        const outcome = await detect(row.path, { durationMs: row.durationMs ?? 0, hasAudio: row.audio !== null, hasVideo: row.video !== null });
        if (!outcome.ok) summary.warnings.push(`${row.relPath}: ${outcome.reason}; its breaks are evenly spaced (scan again after fixing the file to retry)`);
        // [] after a failure too: a file that cannot be read through is not retried on every scan.
        this.db.update(assets).set({ detectedBreaks: outcome.ok ? outcome.breaks : [] }).where(eq(assets.id, row.id)).run();
        summary.breaksDetected++;
        onProgress?.({ phase: 'detecting', done: ++done, total: rows.length, current: row.relPath });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
  }

  /**
   * The loudness enricher: ready assets with sound not measured yet. They stay ready;
   * the level applies from the schedule's next build.
   */
  private async measureAll(source: SourceRow, measure: (file: string) => Promise<LoudnessOutcome>, summary: ScanSummary, onProgress?: (p: ScanProgress) => void): Promise<void> {
    const rows = this.db
      .select({ id: assets.id, path: assets.path, relPath: assets.relPath })
      .from(assets)
      .where(and(eq(assets.sourceId, source.id), eq(assets.state, 'ready'), isNull(assets.loudnessAtMs), sql`${assets.audio} IS NOT NULL AND ${assets.audio} <> 'null'`))
      .orderBy(assets.relPath)
      .all();
    let next = 0;
    let done = 0;
    onProgress?.({ phase: 'measuring', done, total: rows.length });
    const worker = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++] as (typeof rows)[number];
        const outcome = await measure(row.path);
        if (!outcome.ok) summary.warnings.push(`${row.relPath}: ${outcome.reason}; it airs at its own level`);
        const v = outcome.ok ? outcome.value : { integratedLufs: null, truePeakDbtp: null };
        this.db.update(assets).set({ loudnessLufs: v.integratedLufs, truePeakDbtp: v.truePeakDbtp, loudnessAtMs: this.clock.nowMs() }).where(eq(assets.id, row.id)).run();
        summary.loudnessMeasured++;
        onProgress?.({ phase: 'measuring', done: ++done, total: rows.length, current: row.relPath });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker));
  }

  private ensureCollection(source: SourceRow, relDir: string): number {
    const name = relDir === '' ? source.name : relDir.split(path.sep).join('/');
    const existing = this.db
      .select({ id: collections.id })
      .from(collections)
      .where(and(eq(collections.sourceId, source.id), eq(collections.relPath, relDir)))
      .get();
    if (existing) return existing.id;
    return this.db.insert(collections).values({ sourceId: source.id, name, relPath: relDir }).returning({ id: collections.id }).get().id;
  }

  private async walkRoot(source: SourceRow, unreadable: string[], nfos: NfoFile[]): Promise<FoundFile[]> {
    try {
      const s = await stat(source.path);
      if (!s.isDirectory()) throw new Error('not a folder');
      await readdir(source.path);
    } catch (err) {
      throw new LibraryError(
        `Cannot read source '${source.name}' at ${source.path} (${(err as Error).message}). Nothing was changed; mount or restore the folder and scan again.`,
      );
    }
    const out: FoundFile[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        unreadable.push(dir);
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) await walk(abs);
        else if (e.isFile() && isMediaFileName(e.name)) {
          try {
            const st = await stat(abs);
            out.push({ abs, rel: path.relative(source.path, abs), size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
          } catch {
            unreadable.push(abs);
          }
        } else if (e.isFile() && e.name.toLowerCase().endsWith('.nfo')) {
          try {
            nfos.push({ abs, mtimeMs: Math.floor((await stat(abs)).mtimeMs) });
          } catch {
            // An unreadable NFO is the same as none: the file-name conventions apply.
          }
        }
      }
    };
    await walk(source.path);
    return out.sort((a, b) => a.rel.localeCompare(b.rel));
  }
}
