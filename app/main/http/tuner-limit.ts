/**
 * The station's tuners: at most `count` distinct channels on air for viewers at once, as
 * a network tuner has (and what a small machine can encode). More viewers of a channel
 * already on air share its one encoder and cost no tuner; a tune-in to one more channel
 * is refused. A channel holds a tuner while it has a viewer: a stream admitted here and
 * still open, or any viewer the channels themselves count (other outputs, e.g. HLS).
 */
/** Tuners when none are configured: what a 2-core machine keeps on air at 360p, with room to spare. */
export const DEFAULT_TUNER_COUNT = 4;

export interface TunerRefusal {
  count: number;
  /** The channels holding the tuners, ascending. */
  inUse: number[];
}

export class TunerLimit {
  private readonly open = new Map<number, number>();

  constructor(
    readonly count: number,
    /** Channels that have viewers right now, by the channels' own count. */
    private readonly watched: () => number[],
  ) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`The tuner count must be a whole number of 1 or more (got ${count}).`);
  }

  /** Channels holding a tuner now. */
  inUse(): number[] {
    return [...new Set([...this.open.keys(), ...this.watched()])].sort((a, b) => a - b);
  }

  /**
   * Take a tuner for `channel` (or share the one it holds). On success the caller must
   * call the returned release exactly once when its stream ends.
   */
  acquire(channel: number): { release: () => void } | TunerRefusal {
    const inUse = this.inUse();
    if (!inUse.includes(channel) && inUse.length >= this.count) return { count: this.count, inUse };
    this.open.set(channel, (this.open.get(channel) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(channel) ?? 1) - 1;
        if (left > 0) this.open.set(channel, left);
        else this.open.delete(channel);
      },
    };
  }
}
