import { describe, expect, it } from 'vitest';
import type { ChannelHealthDto, ModeRequest } from '../../shared/types.ts';
import { describeSwitch } from './director-store.ts';
import { nextEntry } from './guide-store.ts';
import { statusFromHealth } from './health-status.ts';
import { withLive } from './multiview-store.ts';
import { tileTally } from './tile-tally.ts';

const state = { mode: 'emergency' as const, since: '2026-01-01T00:00:00Z', message: 'm', style: 'takeover' as const, channels: null, by: 'x', reason: null };
const req: ModeRequest = { mode: 'emergency', message: 'm', style: 'takeover' };

describe('console logic', () => {
  it('tile tallies: emergency over error over on air', () => {
    expect(tileTally({ mode: 'emergency', producerStatus: 'error', enabled: true })).toBe('EMERGENCY');
    expect(tileTally({ mode: 'normal', producerStatus: 'error', enabled: true })).toBe('ERROR');
    expect(tileTally({ mode: 'normal', producerStatus: 'degraded', enabled: true })).toBe('ON AIR');
    expect(tileTally({ mode: 'maintenance', producerStatus: 'stopped', enabled: true })).toBe('IDLE');
    expect(tileTally({ mode: 'normal', producerStatus: 'running', enabled: false })).toBe('IDLE');
  });
  it('live tiles are capped, the oldest going back to its card', () => {
    expect(withLive([1, 2], 3, 3)).toEqual([1, 2, 3]);
    expect(withLive([1, 2, 3], 4, 3)).toEqual([2, 3, 4]);
    expect(withLive([1, 2, 3], 1, 3)).toEqual([2, 3, 1]);
    expect(withLive([1], 2, 0)).toEqual([]);
  });
  it('a mode switch is described from the station’s answer, never assumed', () => {
    const ok = describeSwitch(req, 200, { ok: true, changed: true, state, channels: [{ number: 1, ok: true }, { number: 2, ok: true }] });
    expect(ok).toMatchObject({ ok: true, message: 'EMERGENCY on 2 channels: 1, 2.' });
    const refused = describeSwitch(req, 409, { ok: false, changed: false, state: { ...state, mode: 'normal' }, channels: [{ number: 1, ok: true }, { number: 3, ok: false, error: 'encoder down' }] });
    expect(refused.ok).toBe(false);
    expect(refused.message).toBe('Not switched: channel 3 (encoder down) could not switch, so every channel stayed as it was.');
    expect(describeSwitch(req, 401, { error: 'needs the control token', hint: 'see the file' })).toMatchObject({ ok: false, message: 'Not allowed: needs the control token', hint: 'see the file' });
    expect(describeSwitch(req, 502, undefined).message).toContain('HTTP 502');
    expect(describeSwitch({ mode: 'normal' }, 200, { ok: true, changed: false, state, channels: [] }).message).toContain('already');
  });
  it('health becomes the channel status the tiles show', () => {
    const h = { number: 2, name: 'Two', enabled: true, mode: 'normal', producerStatus: 'running', viewers: [{}, {}], nowPlaying: null } as unknown as ChannelHealthDto;
    expect(statusFromHealth(h, 'http://st:1')).toMatchObject({ number: 2, viewerCount: 2, streamUrl: 'http://st:1/iptv/channel/2.ts', producerStatus: 'running' });
  });
  it('next is the first entry starting after now', () => {
    const e = (start: string) => ({ start, end: start, title: start, subtitle: null, season: null, episode: null, kind: 'program' as const, assetId: null, carryOver: false });
    const list = [e('2026-01-01T10:00:00Z'), e('2026-01-01T10:30:00Z'), e('2026-01-01T11:00:00Z')];
    expect(nextEntry(list, Date.parse('2026-01-01T10:10:00Z'))?.start).toBe('2026-01-01T10:30:00Z');
    expect(nextEntry(list, Date.parse('2026-01-01T11:10:00Z'))).toBeNull();
  });
});
