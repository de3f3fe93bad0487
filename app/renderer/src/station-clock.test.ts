import { describe, expect, it } from 'vitest';
import type { ChannelStatusDto } from '../../shared/types.ts';
import { isoUtcOffsetMin, mergeSample, sampleFromChannels, stationNowMs, type ClockSample } from './station-clock.ts';

function channel(nowPlaying: ChannelStatusDto['nowPlaying']): ChannelStatusDto {
  return { uuid: 'u', number: 1, name: 'One', enabled: true, mode: 'normal', viewerCount: 0, producerStatus: 'running', nowPlaying, streamUrl: 'http://x/iptv/channel/1.ts' };
}

describe('station clock', () => {
  it('reads the zone offset from ISO timestamps', () => {
    expect(isoUtcOffsetMin('2025-02-03T09:00:00-05:00')).toBe(-300);
    expect(isoUtcOffsetMin('2025-02-03T09:00:00.123+0530')).toBe(330);
    expect(isoUtcOffsetMin('2025-02-03T14:00:00Z')).toBe(0);
    expect(isoUtcOffsetMin('2025-02-03T14:00:00')).toBeNull();
  });

  it('derives station time from start + offsetMs of the first channel on air', () => {
    const item = { eventId: 'e', kind: 'program' as const, assetId: 1, title: 'T', start: '2025-02-03T09:00:00-05:00', end: '2025-02-03T09:30:00-05:00', offsetMs: 90_000 };
    const s = sampleFromChannels([channel(null), channel(item)], 1000);
    expect(s).toEqual({ stationMs: Date.parse(item.start) + 90_000, monoMs: 1000, utcOffsetMin: -300, source: 'station' });
    expect(stationNowMs(s!, 3500)).toBe(Date.parse(item.start) + 92_500);
    expect(sampleFromChannels([channel(null)], 0)).toBeNull();
  });

  it('absorbs small backward jitter but takes real corrections', () => {
    const prev: ClockSample = { stationMs: 10_000, monoMs: 0, utcOffsetMin: 0, source: 'station' };
    // Predicted 11_000 at mono 1000; the server says 10_990 (10 ms of network jitter).
    expect(mergeSample(prev, { ...prev, stationMs: 10_990, monoMs: 1000 }).stationMs).toBe(11_000);
    // Forward corrections and large backward steps are taken as they are.
    expect(mergeSample(prev, { ...prev, stationMs: 11_040, monoMs: 1000 }).stationMs).toBe(11_040);
    expect(mergeSample(prev, { ...prev, stationMs: 5_000, monoMs: 1000 }).stationMs).toBe(5_000);
    // A first station sample replaces the local fallback outright.
    expect(mergeSample({ ...prev, source: 'local' }, { ...prev, stationMs: 1, monoMs: 1000 }).stationMs).toBe(1);
  });
});
