/** Per-channel health from the station's live feed (or fetched per channel), and which feed is in use. */
import { create } from 'zustand';
import type { ChannelHealthDto } from '../../shared/types.ts';

export type FeedKind = 'events' | 'polling';

export interface HealthStore {
  health: Record<number, ChannelHealthDto>;
  feed: FeedKind | null;
  applyHealth(list: ChannelHealthDto[]): void;
  setFeed(feed: FeedKind | null): void;
}

export const useHealth = create<HealthStore>()((set) => ({
  health: {},
  feed: null,
  applyHealth: (list) => set((s) => ({ health: { ...s.health, ...Object.fromEntries(list.map((h) => [h.number, h])) } })),
  setFeed: (feed) => set({ feed }),
}));
