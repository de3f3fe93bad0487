/**
 * The console's state: what the station last said about its channels, whether the link to it
 * is healthy, the station clock reference, and which channel the operator is previewing.
 */
import { create } from 'zustand';
import type { ChannelStatusDto } from '../../shared/types.ts';
import { fetchChannels, StationError } from './api.ts';
import { mergeSample, monoNow, sampleFromChannels, browserWallMs, type ClockSample } from './station-clock.ts';

export type LinkState = 'connecting' | 'ok' | 'lost' | 'unconfigured';

export interface ConsoleState {
  apiBase: string | null;
  channels: ChannelStatusDto[];
  link: LinkState;
  /** Plain-words reason the link is down, with an optional hint. */
  linkError: { message: string; hint?: string } | null;
  /** Monotonic time of the last good poll, to show how fresh the data is. */
  lastUpdateMono: number | null;
  clock: ClockSample;
  selected: number | null;
  select(number: number | null): void;
  /** Record a poll result (exported for tests and the poller). */
  applyChannels(channels: ChannelStatusDto[], monoMs: number): void;
  applyFailure(err: unknown): void;
}

function localSample(): ClockSample {
  // Until the station has answered, show the desktop's time, labelled LOCAL.
  return { stationMs: browserWallMs(), monoMs: monoNow(), utcOffsetMin: 0, source: 'local' };
}

export const useConsole = create<ConsoleState>()((set) => ({
  apiBase: null,
  channels: [],
  link: 'connecting',
  linkError: null,
  lastUpdateMono: null,
  clock: localSample(),
  selected: null,
  select: (number) => set({ selected: number }),
  applyChannels: (channels, monoMs) =>
    set((s) => {
      const fresh = sampleFromChannels(channels, monoMs);
      const sorted = [...channels].sort((a, b) => a.number - b.number);
      return {
        channels: sorted,
        link: 'ok',
        linkError: null,
        lastUpdateMono: monoMs,
        clock: fresh ? mergeSample(s.clock, fresh) : s.clock,
      };
    }),
  applyFailure: (err) =>
    set({
      link: 'lost',
      linkError:
        err instanceof StationError
          ? { message: err.message, hint: err.hint }
          : { message: `Lost contact with the station: ${err instanceof Error ? err.message : String(err)}` },
    }),
}));

/**
 * Poll /api/channels every `intervalMs` (one request at a time, each with a timeout) until the
 * returned function is called.
 */
export function startPolling(apiBase: string | null, intervalMs = 1000): () => void {
  useConsole.setState({ apiBase });
  if (!apiBase) {
    useConsole.setState({
      link: 'unconfigured',
      linkError: {
        message: 'This console does not know where the station is.',
        hint: 'Open it from the station (http://host:port/) or start it from the RetroVue desktop app.',
      },
    });
    return () => {};
  }
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | undefined;

  const tick = async (): Promise<void> => {
    inflight = new AbortController();
    const timeout = setTimeout(() => inflight?.abort(), Math.max(2500, intervalMs * 2));
    try {
      const channels = await fetchChannels(apiBase, inflight.signal);
      if (!stopped) useConsole.getState().applyChannels(channels, monoNow());
    } catch (err) {
      if (!stopped) useConsole.getState().applyFailure(err);
    } finally {
      clearTimeout(timeout);
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    inflight?.abort();
  };
}
