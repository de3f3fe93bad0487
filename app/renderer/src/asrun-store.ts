/**
 * The as-run view's data: one channel's broadcast day as it aired (GET /api/asrun) and the
 * planned-vs-aired report for it (GET /api/asrun/report). Without a day the station answers
 * for its current broadcast day, and the view adopts that day.
 */
import { create } from 'zustand';
import type { AsRunEntryDto, AsRunReportDto } from '../../shared/types.ts';
import { StationError } from './api.ts';
import type { Loadable } from './schedule-store.ts';
import { getJson } from './station-api.ts';

export interface AsRunStore {
  channel: number | null;
  /** YYYY-MM-DD, or null until the station has said which day is today. */
  day: string | null;
  entries: Loadable<AsRunEntryDto[]> | null;
  report: Loadable<AsRunReportDto> | null;
  load(apiBase: string, channel: number, day: string | null): Promise<void>;
}

function failure(err: unknown): { state: 'error'; message: string; hint?: string } {
  return err instanceof StationError ? { state: 'error', message: err.message, hint: err.hint } : { state: 'error', message: String(err) };
}

/** The query for a channel and day (day omitted: the station's today). */
export function asRunQuery(channel: number, day: string | null): string {
  return `channel=${channel}${day ? `&day=${encodeURIComponent(day)}` : ''}`;
}

export const useAsRun = create<AsRunStore>()((set, get) => ({
  channel: null,
  day: null,
  entries: null,
  report: null,
  load: async (apiBase, channel, day) => {
    set({ channel, day, entries: get().entries ?? { state: 'loading' }, report: get().report ?? { state: 'loading' } });
    const current = (): boolean => get().channel === channel && (day === null || get().day === day);
    try {
      const body = await getJson<{ day: string; entries: AsRunEntryDto[] }>(apiBase, `/api/asrun?${asRunQuery(channel, day)}`);
      if (!current()) return;
      set({ day: body.day, entries: { state: 'ok', data: body.entries } });
      const report = await getJson<AsRunReportDto>(apiBase, `/api/asrun/report?${asRunQuery(channel, body.day)}`);
      if (get().channel === channel && get().day === body.day) set({ report: { state: 'ok', data: report } });
    } catch (err) {
      if (current()) set({ entries: failure(err), report: failure(err) });
    }
  },
}));
