/**
 * Timezone-aware helpers built on Intl only (no system-time reads): convert between
 * epoch milliseconds and local wall-clock fields in an IANA zone, DST included.
 */
export interface LocalFields {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock fields of an instant in a zone. */
export function toLocal(epochMs: number, timeZone: string): LocalFields {
  const parts = formatter(timeZone).formatToParts(epochMs);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '0';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: WEEKDAYS[get('weekday')] ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in ms (local = utc + offset). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const l = toLocal(epochMs, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant at which local wall time in `timeZone` reads the given fields.
 * In a spring-forward gap the wall time does not exist: it is shifted forward by the
 * gap (02:30 → 03:30), as clocks do. In a fall-back overlap the first (earlier) instant is returned.
 */
export function fromLocal(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  const candidates = new Set<number>();
  for (const probe of [naive - 36e5 * 14, naive, naive + 36e5 * 14]) {
    candidates.add(naive - zoneOffsetMs(probe, timeZone));
  }
  const exact = [...candidates].filter((t) => {
    const l = toLocal(t, timeZone);
    return l.year === year && l.month === month && l.day === day && l.hour === hour && l.minute === minute;
  });
  if (exact.length > 0) return Math.min(...exact);
  // Inside a DST gap: map to the first valid instant after it.
  const before = naive - zoneOffsetMs(naive - 36e5 * 6, timeZone);
  return before;
}

/** Add whole calendar days to a local date (handles month/year rollover). */
export function addLocalDays(year: number, month: number, day: number, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO-8601 string with the zone's offset, e.g. 2026-11-21T06:00:00.000-05:00. */
export function toIsoInZone(time: number, timeZone: string): string {
  // Frame times are fractional milliseconds; ISO-8601 here carries whole ones.
  const epochMs = Math.floor(time);
  const l = toLocal(epochMs, timeZone);
  const off = zoneOffsetMs(epochMs, timeZone) / 60000;
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}.${pad(ms, 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
