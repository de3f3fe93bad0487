import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from './master-clock.ts';
import { fromLocal, toIsoInZone, toLocal, zoneOffsetMs } from './zoned-time.ts';

describe('ManualClock', () => {
  it('starts where told and moves only when advanced', () => {
    const c = new ManualClock('2026-11-21T06:00:00Z');
    expect(c.nowMs()).toBe(Date.parse('2026-11-21T06:00:00Z'));
    expect(c.monotonicMs()).toBe(0);
    c.advance(1500);
    expect(c.nowMs()).toBe(Date.parse('2026-11-21T06:00:01.500Z'));
    expect(c.monotonicMs()).toBe(1500);
  });

  it('fires sleepers and repeaters in time order as it advances', async () => {
    const c = new ManualClock(0);
    const fired: string[] = [];
    void c.sleep(300).then(() => fired.push('slept'));
    const stop = c.every(100, () => fired.push(`tick@${c.monotonicMs()}`));
    c.advance(250);
    await Promise.resolve();
    expect(fired).toEqual(['tick@100', 'tick@200']);
    c.advance(100);
    await Promise.resolve();
    expect(fired).toEqual(['tick@100', 'tick@200', 'tick@300', 'slept']);
    stop();
    c.advance(1000);
    expect(fired.filter((f) => f.startsWith('tick'))).toHaveLength(3);
  });

  it('set() jumps wall time without moving monotonic time', () => {
    const c = new ManualClock(0);
    c.advance(10);
    c.set('2030-01-01T00:00:00Z');
    expect(c.nowMs()).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(c.monotonicMs()).toBe(10);
  });

  it('rejects an invalid start', () => {
    expect(() => new ManualClock('not a time')).toThrow(/invalid start/);
  });
});

describe('SystemClock', () => {
  it('can run station time apart from system time without touching monotonic time', () => {
    const c = new SystemClock();
    const mono = c.monotonicMs();
    c.setStationTime(Date.parse('2030-06-01T12:00:00Z'));
    expect(Math.abs(c.nowMs() - Date.parse('2030-06-01T12:00:00Z'))).toBeLessThan(50);
    expect(c.monotonicMs() - mono).toBeLessThan(50);
  });

  it('monotonic time never goes backwards and sleep waits', async () => {
    const c = new SystemClock();
    const a = c.monotonicMs();
    await c.sleep(20);
    expect(c.monotonicMs() - a).toBeGreaterThanOrEqual(15);
  });
});

describe('zoned time', () => {
  it('converts local wall time in a zone to instants, DST included', () => {
    // New York: EDT (-4) in summer, EST (-5) in winter.
    expect(fromLocal('America/New_York', 2026, 7, 1, 6, 0)).toBe(Date.parse('2026-07-01T10:00:00Z'));
    expect(fromLocal('America/New_York', 2026, 12, 1, 6, 0)).toBe(Date.parse('2026-12-01T11:00:00Z'));
    expect(zoneOffsetMs(Date.parse('2026-07-01T10:00:00Z'), 'America/New_York')).toBe(-4 * 3600e3);
  });

  it('maps a spring-forward gap to the instant after it and a fall-back overlap to the first instant', () => {
    // 2026-03-08 02:30 does not exist in New York; it is shifted by the gap to 03:30 EDT = 07:30Z.
    expect(fromLocal('America/New_York', 2026, 3, 8, 2, 30)).toBe(Date.parse('2026-03-08T07:30:00Z'));
    expect(fromLocal('America/New_York', 2026, 3, 8, 2, 0)).toBe(Date.parse('2026-03-08T07:00:00Z'));
    // 2026-11-01 01:30 happens twice; the first is EDT = 05:30Z.
    expect(fromLocal('America/New_York', 2026, 11, 1, 1, 30)).toBe(Date.parse('2026-11-01T05:30:00Z'));
  });

  it('formats ISO with the zone offset', () => {
    expect(toIsoInZone(Date.parse('2026-11-21T11:00:00Z'), 'America/New_York')).toBe('2026-11-21T06:00:00.000-05:00');
    expect(toLocal(Date.parse('2026-11-21T11:00:00Z'), 'Europe/Oslo').hour).toBe(12);
  });
});
