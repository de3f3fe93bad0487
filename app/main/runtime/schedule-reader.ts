/**
 * What the runtime may ask of the schedule: read-only, "what is on at T" and
 * "what comes next". The ChannelManager never writes the schedule or fills its gaps.
 */
import type { EpgEntry, OnAir, PlaylogEvent } from '../schedule/types.ts';

export interface ScheduleReader {
  onAir(channelNumber: number, atMs: number): OnAir | null;
  /** Events overlapping [fromMs, untilMs), in order. */
  playlog(channelNumber: number, fromMs: number, toMs: number): PlaylogEvent[];
  /** The guide (programmes, not breaks), when the schedule keeps one. */
  epg?(channelNumber: number, fromMs: number, toMs: number): EpgEntry[];
}
