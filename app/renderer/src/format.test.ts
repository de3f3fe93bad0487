import { describe, expect, it } from 'vitest';
import { formatDuration, formatStationDate, formatUtcOffset, formatWallClock, kindLabel, progressBetween } from './format.ts';

const T = Date.UTC(2025, 1, 3, 14, 5, 9, 500); // Mon 2025-02-03 14:05:09.500Z

describe('format', () => {
  it('wall clock in the station zone, with frames', () => {
    expect(formatWallClock(T, 0)).toBe('14:05:09');
    expect(formatWallClock(T, -300)).toBe('09:05:09');
    expect(formatWallClock(T, 330, 30)).toBe('19:35:09:15');
  });
  it('date rolls with the zone', () => {
    expect(formatStationDate(Date.UTC(2025, 1, 3, 2, 0), -300)).toBe('Sun 02 Feb 2025');
  });
  it('utc offset label', () => {
    expect(formatUtcOffset(-300)).toBe('UTC\u221205:00');
    expect(formatUtcOffset(330)).toBe('UTC+05:30');
    expect(formatUtcOffset(0)).toBe('UTC+00:00');
  });
  it('durations clamp at zero and grow hours when needed', () => {
    expect(formatDuration(-5)).toBe('00:00');
    expect(formatDuration(61_999)).toBe('01:01');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
  it('progress is clamped and null for unusable times', () => {
    const s = '2025-02-03T09:00:00-05:00';
    const e = '2025-02-03T09:30:00-05:00';
    expect(progressBetween(s, e, Date.parse(s) + 15 * 60_000)).toBeCloseTo(0.5);
    expect(progressBetween(s, e, Date.parse(e) + 1)).toBe(1);
    expect(progressBetween(s, e, 0)).toBe(0);
    expect(progressBetween(e, s, 0)).toBeNull();
    expect(progressBetween('garbage', e, 0)).toBeNull();
  });
  it('kind labels', () => {
    expect(kindLabel('station_id')).toBe('Station ID');
    expect(kindLabel('commercial')).toBe('Commercial');
  });
});
