/**
 * Which multiview tiles play live video and which one is heard. Each live tile is a stream
 * from the station and a decoder here, so the number is capped (a setting, kept per browser);
 * off-air tiles show a title card until the operator takes them live.
 */
import { create } from 'zustand';

const CAP_KEY = 'retrovue.liveTileCap';
export const DEFAULT_LIVE_CAP = 4;
export const MAX_LIVE_CAP = 16;

export interface MultiviewStore {
  liveCap: number;
  /** Channel numbers playing live, oldest first. */
  live: number[];
  /** The one tile whose audio is on, or null (all muted). */
  audio: number | null;
  /** Take a tile live; when the cap is reached the oldest live tile goes back to its card. */
  takeLive(n: number): void;
  drop(n: number): void;
  setCap(cap: number): void;
  /** Solo a tile's audio (again on the same tile: mute all). */
  soloAudio(n: number): void;
}

function storedCap(): number {
  try {
    const raw = globalThis.localStorage?.getItem(CAP_KEY);
    const v = raw === null || raw === undefined || raw === '' ? NaN : Number(raw);
    return Number.isInteger(v) && v >= 0 && v <= MAX_LIVE_CAP ? v : DEFAULT_LIVE_CAP;
  } catch {
    return DEFAULT_LIVE_CAP;
  }
}

/** The live list after taking `n` live under `cap`: oldest dropped first. Pure, for tests. */
export function withLive(live: readonly number[], n: number, cap: number): number[] {
  if (cap <= 0) return [];
  const next = [...live.filter((x) => x !== n), n];
  return next.slice(Math.max(0, next.length - cap));
}

export const useMultiview = create<MultiviewStore>()((set) => ({
  liveCap: storedCap(),
  live: [],
  audio: null,
  takeLive: (n) => set((s) => ({ live: withLive(s.live, n, s.liveCap) })),
  drop: (n) => set((s) => ({ live: s.live.filter((x) => x !== n), audio: s.audio === n ? null : s.audio })),
  setCap: (cap) => {
    const c = Math.max(0, Math.min(MAX_LIVE_CAP, Math.round(cap)));
    try {
      globalThis.localStorage?.setItem(CAP_KEY, String(c));
    } catch {
      /* private mode: the cap lasts this session */
    }
    set((s) => ({ liveCap: c, live: s.live.slice(Math.max(0, s.live.length - c)) }));
  },
  soloAudio: (n) => set((s) => ({ audio: s.audio === n ? null : n })),
}));
