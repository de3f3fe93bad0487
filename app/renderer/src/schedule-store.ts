/**
 * The schedule grid's data: each channel's guide over the grid's span (from the epg
 * endpoint), and the playlog of the block the operator opened.
 */
import { create } from 'zustand';
import type { EpgDto, EpgEntryDto, PlaylogDto } from '../../shared/types.ts';
import { StationError } from './api.ts';
import { getJson } from './station-api.ts';

const HALF_HOUR = 30 * 60_000;
/** The grid shows a little of the past and three and a half days ahead. */
export const GRID_BACK_MS = 2 * 3_600_000;
export const GRID_AHEAD_MS = 84 * 3_600_000;

export type Loadable<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; message: string; hint?: string };

export interface OpenBlock {
  channel: number;
  entry: EpgEntryDto;
}

export interface ScheduleStore {
  fromMs: number | null;
  toMs: number | null;
  rows: Record<number, Loadable<EpgDto>>;
  open: OpenBlock | null;
  playlog: Loadable<PlaylogDto> | null;
  load(apiBase: string, channels: number[], nowMs: number): Promise<void>;
  openBlock(apiBase: string, block: OpenBlock | null): Promise<void>;
}

const range = (from: number, to: number): string => `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`;

function failure(err: unknown): { state: 'error'; message: string; hint?: string } {
  return err instanceof StationError ? { state: 'error', message: err.message, hint: err.hint } : { state: 'error', message: String(err) };
}

export const useSchedule = create<ScheduleStore>()((set, get) => ({
  fromMs: null,
  toMs: null,
  rows: {},
  open: null,
  playlog: null,
  load: async (apiBase, channels, nowMs) => {
    // Whole half-hours, so columns line up with the grid.
    const fromMs = Math.floor((nowMs - GRID_BACK_MS) / HALF_HOUR) * HALF_HOUR;
    const toMs = fromMs + GRID_BACK_MS + GRID_AHEAD_MS;
    set((s) => ({ fromMs, toMs, rows: Object.fromEntries(channels.map((n) => [n, s.rows[n] ?? { state: 'loading' }])) }));
    await Promise.all(
      channels.map(async (n) => {
        try {
          const data = await getJson<EpgDto>(apiBase, `/api/channels/${n}/epg?${range(fromMs, toMs)}`);
          set((s) => ({ rows: { ...s.rows, [n]: { state: 'ok', data } } }));
        } catch (err) {
          set((s) => ({ rows: { ...s.rows, [n]: failure(err) } }));
        }
      }),
    );
  },
  openBlock: async (apiBase, block) => {
    set({ open: block, playlog: block ? { state: 'loading' } : null });
    if (!block) return;
    try {
      const data = await getJson<PlaylogDto>(apiBase, `/api/channels/${block.channel}/playlog?${range(Date.parse(block.entry.start), Date.parse(block.entry.end))}`);
      if (get().open === block) set({ playlog: { state: 'ok', data } });
    } catch (err) {
      if (get().open === block) set({ playlog: failure(err) });
    }
  },
}));
