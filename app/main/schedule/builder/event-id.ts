/**
 * The event-id format, in one place: "<channel>-<start ms>" for built days, unique
 * per channel and stable for a given start (the as-run log and the playout engine
 * key on it); "<channel>-L<start ms>" for loop channels, which never collide with it.
 */

/** "<channel>-<start ms>". */
export function eventId(channelNumber: number, startMs: number): string {
  // Two small-integer conversions are far cheaper than one of a 13-digit number.
  if (startMs >= 1e7 && startMs < 9e15) {
    const hi = Math.floor(startMs / 1e7);
    const lo = startMs - hi * 1e7;
    return `${channelNumber}-${hi}${String(lo).padStart(7, '0')}`;
  }
  return `${channelNumber}-${startMs}`;
}

/** "<channel>-L<start ms>": an event of a loop channel. */
export function loopEventId(channelNumber: number, startMs: number): string {
  return `${channelNumber}-L${startMs}`;
}

/** eventId() for one channel in the build's hot loop, with the slowly changing high digits cached. */
export class EventIds {
  private readonly prefix: string;
  private hi = -1;
  private hiText = '';

  constructor(private readonly channelNumber: number) {
    this.prefix = `${channelNumber}-`;
  }

  of(startMs: number): string {
    if (!(startMs >= 1e7 && startMs < 9e15)) return eventId(this.channelNumber, startMs);
    const hi = Math.floor(startMs / 1e7);
    if (hi !== this.hi) {
      this.hi = hi;
      this.hiText = `${this.prefix}${hi}`;
    }
    const lo = startMs - hi * 1e7;
    return this.hiText + (lo >= 1e6 ? String(lo) : String(lo).padStart(7, '0'));
  }
}
