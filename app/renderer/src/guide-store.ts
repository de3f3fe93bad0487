/**
 * What is next on each channel (for the multiview's now/next), from the guide endpoint,
 * refreshed once a minute. A station without the endpoint simply shows no "next".
 */
import { create } from 'zustand';
import type { EpgDto, EpgEntryDto } from '../../shared/types.ts';
import { getJson } from './station-api.ts';
import { useConsole } from './store.ts';
import { stationNowMs, monoNow } from './station-clock.ts';

export interface GuideStore {
  next: Record<number, EpgEntryDto | null>;
  setNext(n: number, e: EpgEntryDto | null): void;
}

export const useGuide = create<GuideStore>()((set) => ({
  next: {},
  setNext: (n, e) => set((s) => ({ next: { ...s.next, [n]: e } })),
}));

/** The first entry that starts after `nowMs`. */
export function nextEntry(entries: readonly EpgEntryDto[], nowMs: number): EpgEntryDto | null {
  return entries.find((e) => Date.parse(e.start) > nowMs) ?? null;
}

export function startGuideRefresh(apiBase: string | null, everyMs = 60_000): () => void {
  if (!apiBase) return () => {};
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async (): Promise<void> => {
    const { channels, clock } = useConsole.getState();
    const now = stationNowMs(clock, monoNow());
    const from = new Date(now).toISOString();
    const to = new Date(now + 12 * 3_600_000).toISOString();
    await Promise.all(
      channels.map(async (c) => {
        try {
          const epg = await getJson<EpgDto>(apiBase, `/api/channels/${c.number}/epg?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
          if (!stopped) useGuide.getState().setNext(c.number, nextEntry(epg.entries, now));
        } catch {
          if (!stopped) useGuide.getState().setNext(c.number, null);
        }
      }),
    );
    // Until the channel list has arrived, look again soon.
    if (!stopped) timer = setTimeout(() => void tick(), channels.length ? everyMs : 500);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
