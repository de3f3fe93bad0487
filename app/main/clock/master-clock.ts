/**
 * MasterClock: the station's only source of "now".
 *
 * Every other module receives a MasterClock and asks it; nothing else may read
 * system time (enforced by lint). Tests drive a ManualClock so schedule math and
 * playout pacing are reproducible.
 */
export interface MasterClock {
  /** Wall-clock station time in epoch milliseconds (UTC). */
  nowMs(): number;
  /** Monotonic milliseconds for measuring durations and pacing; never jumps. */
  monotonicMs(): number;
  /** Resolve after `ms` of station time has passed. */
  sleep(ms: number): Promise<void>;
  /** Run `fn` every `ms` of station time until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export function nowDate(clock: MasterClock): Date {
  return new Date(clock.nowMs());
}

/**
 * The real clock: system wall time, `performance.now()` for monotonic time. Station time
 * may be set apart from system time by an offset (to run a station at another hour);
 * monotonic time is never shifted, so playout pacing is unaffected.
 */
export class SystemClock implements MasterClock {
  constructor(private offsetMs = 0) {}
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }
  /** Make station time read `stationMs` now. */
  setStationTime(stationMs: number): void {
    this.offsetMs = stationMs - Date.now();
  }
  monotonicMs(): number {
    return performance.now();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
  every(ms: number, fn: () => void): () => void {
    const handle = setInterval(fn, ms);
    handle.unref?.();
    return () => clearInterval(handle);
  }
}

interface Waiter {
  due: number;
  resolve: () => void;
}
interface Repeater {
  next: number;
  period: number;
  fn: () => void;
}

/**
 * A settable clock for tests. Time only moves when the test says so; sleepers and
 * repeaters fire in order as time is advanced past their due times.
 */
export class ManualClock implements MasterClock {
  private wall: number;
  private mono = 0;
  private waiters: Waiter[] = [];
  private repeaters = new Set<Repeater>();

  constructor(start: number | string | Date) {
    this.wall = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.wall)) throw new Error(`ManualClock: invalid start time ${String(start)}`);
  }
  nowMs(): number {
    return this.wall;
  }
  monotonicMs(): number {
    return this.mono;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ due: this.mono + Math.max(0, ms), resolve }));
  }
  every(ms: number, fn: () => void): () => void {
    const r: Repeater = { next: this.mono + ms, period: ms, fn };
    this.repeaters.add(r);
    return () => this.repeaters.delete(r);
  }
  /** Jump wall time (e.g. to a DST edge) without moving monotonic time. */
  set(time: number | string | Date): void {
    this.wall = typeof time === 'number' ? time : new Date(time).getTime();
  }
  /** Move both wall and monotonic time forward, firing what falls due on the way. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      const nextWaiter = this.waiters.reduce((m, w) => Math.min(m, w.due), Infinity);
      const nextRepeat = [...this.repeaters].reduce((m, r) => Math.min(m, r.next), Infinity);
      const next = Math.min(nextWaiter, nextRepeat);
      if (next > target) break;
      this.wall += next - this.mono;
      this.mono = next;
      for (const w of this.waiters.filter((x) => x.due <= next)) w.resolve();
      this.waiters = this.waiters.filter((x) => x.due > next);
      for (const r of this.repeaters) {
        if (r.next <= next) {
          r.next += r.period;
          r.fn();
        }
      }
    }
    this.wall += target - this.mono;
    this.mono = target;
  }
}
