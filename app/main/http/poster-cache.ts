/**
 * Posters are cheap only if they are made rarely: each still is kept under its key (event and
 * a 10-second bucket of the offset) and made at most once, one render at a time across the
 * station (a multiview asking for ten tiles at once queues them, it does not start ten
 * ffmpegs on a small machine). A long queue is refused rather than grown.
 */

export class PosterBusyError extends Error {
  constructor(waiting: number) {
    super(`${waiting} stills are already waiting to be made.`);
    this.name = 'PosterBusyError';
  }
}

export interface PosterCacheOptions {
  /** Stills kept (oldest dropped first). Default 64. */
  entries?: number;
  /** Renders waiting behind the one running; more are refused. Default 16. */
  maxWaiting?: number;
}

export class PosterCache {
  private readonly done = new Map<string, Buffer>();
  private readonly pending = new Map<string, Promise<Buffer>>();
  private chain: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  /** Renders started, for tests and the log. */
  renders = 0;

  constructor(private readonly opts: PosterCacheOptions = {}) {}

  /** The still under `key`, made with `render` if it is not kept (or being made) already. */
  get(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
    const kept = this.done.get(key);
    if (kept) {
      // Refresh its place: recently asked-for stills stay.
      this.done.delete(key);
      this.done.set(key, kept);
      return Promise.resolve(kept);
    }
    const inflight = this.pending.get(key);
    if (inflight) return inflight;
    if (this.waiting >= (this.opts.maxWaiting ?? 16)) return Promise.reject(new PosterBusyError(this.waiting));
    this.waiting++;
    const job = this.chain.then(async () => {
      this.waiting--;
      this.renders++;
      return render();
    });
    // The next render waits for this one whatever its outcome.
    this.chain = job.catch(() => undefined);
    const p = job.then(
      (jpeg) => {
        this.pending.delete(key);
        this.keep(key, jpeg);
        return jpeg;
      },
      (err: unknown) => {
        // A failure is not kept: the next request (a new bucket, a mended file) tries again.
        this.pending.delete(key);
        throw err;
      },
    );
    this.pending.set(key, p);
    return p;
  }

  private keep(key: string, jpeg: Buffer): void {
    this.done.set(key, jpeg);
    const max = this.opts.entries ?? 64;
    while (this.done.size > max) this.done.delete(this.done.keys().next().value as string);
  }
}
