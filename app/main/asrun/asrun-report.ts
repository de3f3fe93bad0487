/**
 * Reading the as-run log: a channel's broadcast day as entries (an airing that crosses the
 * day boundary is listed under both days, still one airing), as CSV, and planned vs aired.
 */
import type { AsRunEntryDto, AsRunReportDto } from '../../shared/types.ts';
import { toIsoInZone } from '../clock/zoned-time.ts';
import { broadcastDateAt, dayFrame, formatDate, parseDate, parseHhMm } from '../schedule/time.ts';
import type { PlaylogEvent } from '../schedule/types.ts';
import type { AsRunRow, AsRunStore } from './asrun-store.ts';

/** What the report needs to know of a channel. */
export interface ChannelDay {
  number: number;
  timezone: string;
  /** HH:MM, e.g. 06:00. */
  broadcastDayStart: string;
}

const dayStartMinutes = (c: ChannelDay) => parseHhMm(c.broadcastDayStart) ?? 360;

export function dayBounds(c: ChannelDay, date: string): { startMs: number; endMs: number } {
  const d = parseDate(date);
  if (!d) throw new RangeError(`'${date}' is not a date; use YYYY-MM-DD.`);
  const f = dayFrame(c.timezone, d, dayStartMinutes(c), 30 * 60_000);
  return { startMs: f.startMs, endMs: f.endMs };
}

/** The broadcast day (YYYY-MM-DD) that contains `ms` on channel `c`. */
export function broadcastDayOf(c: ChannelDay, ms: number): string {
  return formatDate(broadcastDateAt(ms, c.timezone, dayStartMinutes(c)));
}

export function entryDto(row: AsRunRow, c: ChannelDay, day: string): AsRunEntryDto {
  const iso = (ms: number | null) => (ms === null ? null : toIsoInZone(ms, c.timezone));
  return {
    id: row.id, channel: row.channel, broadcastDay: day, eventId: row.eventId, assetId: row.assetId, title: row.title,
    kind: row.kind as AsRunEntryDto['kind'], producer: row.producer as AsRunEntryDto['producer'],
    plannedStart: iso(row.plannedStartMs), plannedEnd: iso(row.plannedEndMs), actualStart: iso(row.actualStartMs)!, actualEnd: iso(row.actualEndMs),
    inPointMs: row.inPointMs, frames: row.frames, deviation: row.deviation, status: row.status,
  };
}

/** Every channel's (or one channel's) as-run entries for broadcast day `day`. */
export function asRunDay(store: AsRunStore, channels: ChannelDay[], day: string): AsRunEntryDto[] {
  return channels.flatMap((c) => {
    const { startMs, endMs } = dayBounds(c, day);
    return store.overlapping(startMs, endMs, c.number).map((r) => entryDto(r, c, day));
  });
}

const CSV_COLUMNS: (keyof AsRunEntryDto)[] = ['channel', 'broadcastDay', 'actualStart', 'actualEnd', 'frames', 'kind', 'title', 'producer', 'eventId', 'assetId', 'plannedStart', 'plannedEnd', 'inPointMs', 'status', 'deviation'];

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Cells a spreadsheet would run as formulas are quoted and prefixed.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(entries: AsRunEntryDto[]): string {
  return [CSV_COLUMNS.join(','), ...entries.map((e) => CSV_COLUMNS.map((k) => csvCell(e[k])).join(','))].join('\r\n') + '\r\n';
}

/** One frame at the slowest rate a channel can have (23.976 fps). */
const MIN_AIRABLE_MS = 1001 / 24;

/**
 * Planned vs aired for one channel's day. Only time on the air counts: a channel nobody
 * watched aired nothing and missed nothing. `planned` is the playlog over the day.
 */
export function discrepancyReport(rows: AsRunRow[], planned: PlaylogEvent[], c: ChannelDay, day: string, nowMs: number): AsRunReportDto {
  const { startMs, endMs } = dayBounds(c, day);
  const windows = onAirWindows(rows, nowMs).map(([a, b]) => [Math.max(a, startMs), Math.min(b, endMs)] as const).filter(([a, b]) => b > a);
  const onAirOf = (a: number, b: number) => windows.reduce((sum, [wa, wb]) => sum + Math.max(0, Math.min(b, wb) - Math.max(a, wa)), 0);
  const kinds = new Map<string, AsRunReportDto['kinds'][number]>();
  const kind = (k: string) => {
    let v = kinds.get(k);
    if (!v) kinds.set(k, (v = { kind: k, plannedCount: 0, plannedMs: 0, airedCount: 0, airedMs: 0, deviations: 0 }));
    return v;
  };
  const airedIds = new Set<string>();
  const entries = rows.filter((r) => r.kind !== 'on-air' && r.kind !== 'off-air');
  for (const r of entries) {
    const end = r.actualEndMs ?? nowMs;
    const k = kind(r.kind);
    if (r.deviation || r.status === 'interrupted') k.deviations++;
    if (r.eventId && r.producer === 'asset' && !r.deviation) {
      airedIds.add(r.eventId);
      k.airedCount++;
      k.airedMs += Math.max(0, Math.min(end, endMs) - Math.max(r.actualStartMs, startMs));
    }
  }
  const missed: AsRunReportDto['missed'] = [];
  for (const e of planned) {
    const during = onAirOf(e.startMs, e.endMs);
    if (during <= 0) continue;
    // Less than a frame of it fell inside the time on air: it could not have reached the screen.
    const missable = during >= MIN_AIRABLE_MS;
    const k = kind(e.kind);
    k.plannedCount++;
    k.plannedMs += during;
    if (missable && !airedIds.has(e.id) && !entries.some((r) => r.eventId === e.id)) {
      missed.push({ eventId: e.id, title: e.title, kind: e.kind, plannedStart: toIsoInZone(e.startMs, c.timezone), plannedEnd: toIsoInZone(e.endMs, c.timezone) });
    }
  }
  return {
    channel: c.number, broadcastDay: day, onAirMs: windows.reduce((s, [a, b]) => s + (b - a), 0),
    kinds: [...kinds.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
    deviations: entries.filter((r) => r.deviation || r.status === 'interrupted').map((r) => entryDto(r, c, day)),
    missed,
  };
}

/** [on, off) spans from the on-air / off-air markers (an interrupted run ends at its last entry). */
function onAirWindows(rows: AsRunRow[], nowMs: number): [number, number][] {
  const out: [number, number][] = [];
  let on: number | null = null;
  let lastEnd = 0;
  for (const r of [...rows].sort((a, b) => a.actualStartMs - b.actualStartMs || a.id - b.id)) {
    if (r.kind === 'on-air') {
      if (on !== null) out.push([on, Math.max(on, lastEnd)]);
      on = r.actualStartMs;
    } else if (r.kind === 'off-air') {
      if (on !== null) out.push([on, r.actualStartMs]);
      on = null;
    } else {
      if (on === null) on = r.actualStartMs; // the day began while on the air
      lastEnd = r.actualEndMs ?? (r.status === 'open' ? nowMs : r.actualStartMs);
      if (r.status === 'interrupted') {
        out.push([on, lastEnd]);
        on = null;
      }
    }
  }
  if (on !== null) out.push([on, Math.max(on, lastEnd)]);
  return out;
}
