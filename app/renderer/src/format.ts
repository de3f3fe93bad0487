/** Display formatting for timecodes, durations and counts; pure so it is easy to test. */

const pad = (n: number, width = 2): string => String(Math.trunc(n)).padStart(width, '0');

/** Wall time "HH:MM:SS" (and ":FF" frames at `fps` if given) in a zone `utcOffsetMin` from UTC. */
export function formatWallClock(epochMs: number, utcOffsetMin: number, fps?: number): string {
  const shifted = new Date(epochMs + utcOffsetMin * 60_000);
  const hms = `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`;
  if (!fps) return hms;
  return `${hms}:${pad(Math.floor((shifted.getUTCMilliseconds() / 1000) * fps))}`;
}

/** "Mon 03 Feb 2025" in the station's zone. */
export function formatStationDate(epochMs: number, utcOffsetMin: number): string {
  const d = new Date(epochMs + utcOffsetMin * 60_000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[d.getUTCDay()]} ${pad(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "UTC−05:00" style label for an offset in minutes. */
export function formatUtcOffset(utcOffsetMin: number): string {
  const sign = utcOffsetMin < 0 ? '\u2212' : '+';
  const abs = Math.abs(utcOffsetMin);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Duration as "H:MM:SS" or "MM:SS"; negative durations clamp to zero. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** Where `nowMs` sits between ISO `start` and `end`, as 0..1 (null if the times are unusable). */
export function progressBetween(startIso: string, endIso: string, nowMs: number): number | null {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null;
  return Math.min(1, Math.max(0, (nowMs - start) / (end - start)));
}

/** Human label for an event kind ("station_id" → "Station ID"). */
export function kindLabel(kind: string): string {
  if (kind === 'station_id') return 'Station ID';
  return kind.charAt(0).toUpperCase() + kind.slice(1).replace(/_/g, ' ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
