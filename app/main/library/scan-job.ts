/**
 * One library scan at a time, run in the background for the console: it starts a scan,
 * keeps its progress readable, and tells listeners as it goes. A second start while one runs
 * is refused (probing is ffprobe work on a small machine; two scans would only race).
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ScanStatusDto } from '../../shared/library-types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import type { Logger } from '../logger.ts';
import type { LibraryService } from './library-service.ts';
import type { ScanProgress, ScanSummary } from './scanner.ts';

export interface ScanRunner {
  scan(sourceName: string, onProgress?: (p: ScanProgress) => void): Promise<ScanSummary>;
}

export interface ScanJobOptions {
  scanner: ScanRunner;
  library: Pick<LibraryService, 'requireSource'>;
  clock: MasterClock;
  logger: Logger;
  /** After a scan wrote the library: bring the schedule and channels in line (same-process writes are not seen by the edit watcher). */
  afterScan?: () => Promise<void>;
  /** Least time between two progress events (the last one always goes out). */
  progressEveryMs?: number;
}

export class ScanBusyError extends Error {
  constructor(readonly running: string) {
    super(`A scan of '${running}' is already running.`);
    this.name = 'ScanBusyError';
  }
}

const IDLE: ScanStatusDto = { state: 'idle', source: null, phase: null, done: 0, total: 0, current: null, startedAt: null, finishedAt: null, summary: null, error: null };

/** Emits 'status' (ScanStatusDto) on every change worth showing. */
export class ScanJob extends EventEmitter<{ status: [ScanStatusDto] }> {
  private current: ScanStatusDto = IDLE;
  private running: Promise<void> | null = null;
  private lastEmitMs = -Infinity;

  constructor(private readonly opts: ScanJobOptions) {
    super();
  }

  status(): ScanStatusDto {
    return this.current;
  }

  /** Start scanning `sourceName`; throws LibraryError for an unknown source and ScanBusyError while one runs. */
  start(sourceName: string): ScanStatusDto {
    if (this.running) throw new ScanBusyError(this.current.source ?? '?');
    const source = this.opts.library.requireSource(sourceName);
    const iso = (ms: number): string => new Date(ms).toISOString();
    this.set({ ...IDLE, state: 'running', source: source.name, phase: 'walking', startedAt: iso(this.opts.clock.nowMs()) }, true);
    // Scanner messages name the source folder; the LAN sees only its last part.
    const hide = (text: string): string => text.split(source.path).join(`'${path.basename(source.path)}'`);
    const run = async (): Promise<void> => {
      try {
        const summary = await this.opts.scanner.scan(source.name, (p) => {
          this.set({ ...this.current, phase: p.phase, done: p.done, total: p.total, current: p.current ?? this.current.current }, p.phase === 'done');
        });
        if (this.opts.afterScan) {
          await this.opts.afterScan().catch((err: unknown) => this.opts.logger.error({ err }, 'scanned, but could not apply the library to the schedule'));
        }
        this.set({
          ...this.current, state: 'done', phase: 'done', current: null, finishedAt: iso(this.opts.clock.nowMs()),
          summary: {
            filesSeen: summary.filesSeen, added: summary.added, changed: summary.changed, unchanged: summary.unchanged, ready: summary.ready,
            failed: summary.failed.length, retired: summary.retired, unreadableFolders: summary.unreadableFolders.length,
          },
        }, true);
        for (const warning of summary.warnings) this.opts.logger.warn({ source: source.name, warning }, 'library scan warning');
        this.opts.logger.info({ source: source.name, ready: summary.ready, failed: summary.failed.length }, 'library scan finished');
      } catch (err) {
        const message = hide((err as Error).message);
        this.opts.logger.error({ source: source.name, err }, 'library scan failed');
        this.set({ ...this.current, state: 'failed', current: null, finishedAt: iso(this.opts.clock.nowMs()), error: message }, true);
      }
    };
    this.running = run().finally(() => (this.running = null));
    return this.current;
  }

  /** Resolves when the running scan (if any) has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private set(next: ScanStatusDto, always: boolean): void {
    this.current = next;
    const now = this.opts.clock.monotonicMs();
    if (!always && now - this.lastEmitMs < (this.opts.progressEveryMs ?? 250)) return;
    this.lastEmitMs = now;
    this.emit('status', next);
  }
}
