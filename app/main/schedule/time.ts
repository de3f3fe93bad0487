/**
 * Broadcast-day geometry in a channel's timezone: where a day starts and ends
 * (23 or 25 hours across DST), where local zone times fall, and the local grid.
 * Offsets are probed once per day, so the builder's hot path does no Intl calls.
 */
import { addLocalDays, fromLocal, toLocal, zoneOffsetMs } from '../clock/zoned-time.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MINUTES = 1440;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes after local midnight for "HH:MM" ("24:00" = 1440), or null. */
export function parseHhMm(text: string): number | null {
  if (!HHMM.test(text)) return null;
  const [h, m] = text.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function formatHhMm(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export function formatDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function parseDate(text: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const back = addLocalDays(d.year, d.month, d.day, 0);
  return back.year === d.year && back.month === d.month && back.day === d.day ? d : null;
}

export function nextDate(d: LocalDate, days = 1): LocalDate {
  return addLocalDays(d.year, d.month, d.day, days);
}

export function weekdayOf(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** The broadcast date whose day contains the instant. */
export function broadcastDateAt(ms: number, timeZone: string, dayStartMinutes: number): LocalDate {
  const l = toLocal(ms, timeZone);
  const d = { year: l.year, month: l.month, day: l.day };
  return l.hour * 60 + l.minute < dayStartMinutes ? nextDate(d, -1) : d;
}

/** One broadcast day of one channel: its bounds, offsets and grid. */
export class DayFrame {
  readonly date: LocalDate;
  readonly dateText: string;
  /** Weekday of the broadcast date (a 01:00 zone on "Saturday" airs early Sunday). */
  readonly weekday: number;
  readonly startMs: number;
  readonly endMs: number;
  private readonly offBefore: number;
  private readonly offAfter: number;
  /** First instant with `offAfter`, or null when the day has no transition. */
  private readonly transitionMs: number | null;
  /** Offset over the carry-over window after the day, and where it starts. */
  private readonly offLate: number;
  private readonly lateTransitionMs: number | null;
  private readonly lateUntilMs: number;

  constructor(
    readonly timeZone: string,
    date: LocalDate,
    readonly dayStartMinutes: number,
    readonly gridMs: number,
  ) {
    this.date = date;
    this.dateText = formatDate(date);
    this.weekday = weekdayOf(date);
    const h = Math.floor(dayStartMinutes / 60);
    const m = dayStartMinutes % 60;
    this.startMs = fromLocal(timeZone, date.year, date.month, date.day, h, m);
    const next = nextDate(date);
    this.endMs = fromLocal(timeZone, next.year, next.month, next.day, h, m);
    this.offBefore = zoneOffsetMs(this.startMs, timeZone);
    this.offAfter = zoneOffsetMs(this.endMs, timeZone);
    this.transitionMs = this.offBefore === this.offAfter ? null : this.findTransition(this.startMs, this.endMs, this.offBefore);
    // Programs may carry over past the day's end: cover half a day more without Intl calls.
    this.lateUntilMs = this.endMs + HOUR_MS * 12;
    this.offLate = zoneOffsetMs(this.lateUntilMs, timeZone);
    this.lateTransitionMs = this.offLate === this.offAfter ? null : this.findTransition(this.endMs, this.lateUntilMs, this.offAfter);
  }

  /** Offset changes happen on whole minutes: bisect minute indices. */
  private findTransition(fromMs: number, toMs: number, offFrom: number): number {
    let lo = Math.floor(fromMs / MINUTE_MS);
    let hi = Math.ceil(toMs / MINUTE_MS);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zoneOffsetMs(mid * MINUTE_MS, this.timeZone) === offFrom) lo = mid;
      else hi = mid;
    }
    return hi * MINUTE_MS;
  }

  get lengthMs(): number {
    return this.endMs - this.startMs;
  }

  offsetAt(ms: number): number {
    if (ms < this.startMs || ms > this.lateUntilMs) return zoneOffsetMs(ms, this.timeZone);
    if (ms < this.endMs) return this.transitionMs === null || ms < this.transitionMs ? this.offBefore : this.offAfter;
    return this.lateTransitionMs === null || ms < this.lateTransitionMs ? this.offAfter : this.offLate;
  }

  /**
   * Instant of a local wall time given as minutes after the broadcast-day start
   * (0..1440). A time that does not exist (spring-forward gap) maps to the end of
   * the gap, so zones stay in order and a zone inside the gap is empty; an
   * ambiguous one (fall-back) resolves to its first occurrence.
   */
  atDayMinute(relMinutes: number): number {
    if (relMinutes <= 0) return this.startMs;
    if (relMinutes >= DAY_MINUTES) return this.endMs;
    const total = this.dayStartMinutes + relMinutes;
    const d = nextDate(this.date, Math.floor(total / DAY_MINUTES));
    const mins = total % DAY_MINUTES;
    const naive = Date.UTC(d.year, d.month - 1, d.day, Math.floor(mins / 60), mins % 60);
    let best: number | null = null;
    for (const off of [this.offBefore, this.offAfter]) {
      const t = naive - off;
      if (this.offsetAt(t) === off && (best === null || t < best)) best = t;
    }
    const t = best ?? this.transitionMs ?? naive - this.offBefore;
    return Math.min(Math.max(t, this.startMs), this.endMs);
  }

  isOnGrid(ms: number, unitMs = this.gridMs): boolean {
    const local = ms + this.offsetAt(ms);
    return ((local % unitMs) + unitMs) % unitMs === 0;
  }

  /** First local grid boundary at or after `ms`. */
  ceilGrid(ms: number): number {
    return this.ceilTo(ms, this.gridMs);
  }

  /** First instant at or after `ms` whose local time is a multiple of `unitMs` (e.g. top of the hour). */
  ceilTo(ms: number, unitMs: number): number {
    let best: number | null = null;
    const offs = new Set([this.offsetAt(ms), this.offBefore, this.offAfter, this.offLate]);
    for (const off of offs) {
      const t = Math.ceil((ms + off) / unitMs) * unitMs - off;
      if (t >= ms && this.offsetAt(t) === off && (best === null || t < best)) best = t;
    }
    if (best !== null) return best;
    // Offsets that are not whole units on both sides: fall back to a scan.
    let t = Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
    while (!this.isOnGrid(t, unitMs)) t += MINUTE_MS;
    return t;
  }

  /** Local "HH:MM" of an instant, for reports. */
  localHhMm(ms: number): string {
    const d = new Date(ms + this.offsetAt(ms));
    return formatHhMm(d.getUTCHours() * 60 + d.getUTCMinutes());
  }
}

const frames = new Map<string, DayFrame>();

/** A DayFrame, memoised: channels sharing a zone and day start share the Intl work. */
export function dayFrame(timeZone: string, date: LocalDate, dayStartMinutes: number, gridMs: number): DayFrame {
  const key = `${timeZone}|${formatDate(date)}|${dayStartMinutes}|${gridMs}`;
  let f = frames.get(key);
  if (!f) {
    if (frames.size >= 2048) frames.clear();
    f = new DayFrame(timeZone, date, dayStartMinutes, gridMs);
    frames.set(key, f);
  }
  return f;
}

/** Minutes after the broadcast-day start for a local "HH:MM". */
export function dayMinute(localMinutes: number, dayStartMinutes: number): number {
  return (((localMinutes - dayStartMinutes) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}
