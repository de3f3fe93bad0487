/**
 * The console's idea of station time. The station is the only authority on "now": each poll of
 * /api/channels says where every channel is inside its current item (start + offsetMs), which is
 * the station's wall clock at the moment it answered. Between polls the console only measures
 * elapsed time, so a wrong or drifting desktop clock never shows on the console.
 */
import type { ChannelStatusDto } from '../../shared/types.ts';

export interface ClockSample {
  /** Station wall time (epoch ms, UTC) when the sample was taken. */
  stationMs: number;
  /** This page's monotonic time (ms) when the sample arrived. */
  monoMs: number;
  /** The station's UTC offset in minutes, read from the ISO timestamps it sends. */
  utcOffsetMin: number;
  /** 'station' when derived from the station, 'local' when no channel is on air to derive it from. */
  source: 'station' | 'local';
}

/** The page's monotonic clock: used only to measure time since the last station sample. */
export function monoNow(): number {
  // eslint-disable-next-line no-restricted-syntax -- the renderer's one monotonic read; station time comes from the server
  return performance.now();
}

/** Browser wall time, shown (and labelled LOCAL) only when the station offers no time reference. */
export function browserWallMs(): number {
  // eslint-disable-next-line no-restricted-syntax -- fallback wall clock for display only, labelled as such
  return Date.now();
}

const OFFSET_RE = /(?:([+-])(\d{2}):?(\d{2})|Z)$/i;

/** UTC offset in minutes of an ISO-8601 timestamp ("…-05:00" → -300, "…Z" → 0), or null. */
export function isoUtcOffsetMin(iso: string): number | null {
  const m = OFFSET_RE.exec(iso.trim());
  if (!m) return null;
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** Station time implied by a poll: the first channel on air gives start + offsetMs. */
export function sampleFromChannels(channels: readonly ChannelStatusDto[], monoMs: number): ClockSample | null {
  for (const c of channels) {
    const np = c.nowPlaying;
    if (!np) continue;
    const start = Date.parse(np.start);
    if (!Number.isFinite(start) || !Number.isFinite(np.offsetMs)) continue;
    return { stationMs: start + np.offsetMs, monoMs, utcOffsetMin: isoUtcOffsetMin(np.start) ?? 0, source: 'station' };
  }
  return null;
}

/** Station time at monotonic instant `monoMs`, extrapolated from the last sample. */
export function stationNowMs(sample: ClockSample, monoMs: number): number {
  return sample.stationMs + (monoMs - sample.monoMs);
}

/**
 * Merge a fresh sample into the current one without making the display tick backwards:
 * network jitter of a few ms is absorbed, a real correction (>1 s, e.g. the station clock
 * was set) is taken at once.
 */
export function mergeSample(prev: ClockSample | null, next: ClockSample): ClockSample {
  if (!prev || prev.source !== next.source) return next;
  const predicted = stationNowMs(prev, next.monoMs);
  const error = next.stationMs - predicted;
  if (error < 0 && error > -1000) return { ...next, stationMs: predicted };
  return next;
}
