import { describe, expect, it } from 'vitest';
import type { DirectorStateDto } from '../../shared/types.ts';
import { useDirector } from './director-store.ts';

const state = (mode: DirectorStateDto['mode'], since: string): DirectorStateDto => ({ mode, since, message: mode === 'emergency' ? 'Go' : null, style: mode === 'emergency' ? 'takeover' : null, channels: null, by: 'test', reason: null });

describe('the director state in the console', () => {
  it('drops a fetched state that was asked for before a newer one arrived (a slow GET cannot bring a released alert back)', () => {
    const d = useDirector.getState;
    d().applyState(state('emergency', '2026-01-01T20:00:00Z'));
    const askedAt = d().version;
    // RELEASE answered (or pushed by the live feed) while the GET was on its way.
    d().applyState(state('normal', '2026-01-01T20:00:30Z'));
    d().applyState(state('emergency', '2026-01-01T20:00:00Z'), askedAt);
    expect(d().state?.mode).toBe('normal');
    // A fetch asked after the latest state is current, and so is anything pushed.
    d().applyState(state('guide', '2026-01-01T20:01:00Z'), d().version);
    expect(d().state?.mode).toBe('guide');
    d().applyState(state('normal', '2026-01-01T20:02:00Z'));
    expect(d().state?.mode).toBe('normal');
  });
});
