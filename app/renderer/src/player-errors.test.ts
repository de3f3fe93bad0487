import { describe, expect, it } from 'vitest';
import { checkPlaybackSupport, describePlayerError, describeStall, describeStreamEnded } from './player-errors.ts';

describe('player errors in plain words', () => {
  it('HTTP refusals name the channel and prefer the station’s own reason', () => {
    const p = describePlayerError(3, 'NetworkError', 'HttpStatusCodeInvalid', { code: 404, msg: 'Not Found' }, { error: 'the channel is in maintenance', hint: 'Try later.' });
    expect(p).toEqual({ message: 'Channel 3 is off the air: the channel is in maintenance.', code: 'HTTP 404', hint: 'Try later.', retryable: true });
    expect(describePlayerError(3, 'NetworkError', 'HttpStatusCodeInvalid', { code: 404 }).message).toBe('Channel 3 is off the air: the station has no live stream for it right now.');
    expect(describePlayerError(5, 'NetworkError', 'HttpStatusCodeInvalid', { code: 500 }).message).toContain('failed while starting');
  });
  it('station sentences read as clauses after the channel', () => {
    expect(describePlayerError(7, 'NetworkError', 'HttpStatusCodeInvalid', { code: 404 }, { error: 'There is no channel 7.' }).message).toBe('Channel 7 is off the air: there is no channel 7.');
    expect(describePlayerError(7, 'NetworkError', 'HttpStatusCodeInvalid', { code: 503 }, { error: 'FFmpeg crashed' }).message).toBe('Channel 7 is off the air: FFmpeg crashed.');
    expect(describePlayerError(7, 'NetworkError', 'HttpStatusCodeInvalid', { code: 503 }, { error: 'RetroVue is busy.' }).message).toBe('Channel 7 is off the air: RetroVue is busy.');
  });
  it('network loss and early end are retryable', () => {
    expect(describePlayerError(2, 'NetworkError', 'Exception', { msg: 'Failed to fetch' })).toMatchObject({ retryable: true, message: 'Channel 2 is off the air: the console lost its connection to the station (Failed to fetch).' });
    expect(describePlayerError(2, 'NetworkError', 'UnrecoverableEarlyEof', undefined).message).toBe('Channel 2 went off the air: the station stopped sending the stream.');
    expect(describeStreamEnded(4).message).toBe('Channel 4 went off the air: the stream ended.');
    expect(describeStall(4, 8).message).toBe('Channel 4 has no picture: nothing new arrived for 8 seconds.');
  });
  it('undecodable streams are not retried automatically', () => {
    expect(describePlayerError(1, 'MediaError', 'MediaCodecUnsupported', { msg: 'hevc' }).retryable).toBe(false);
  });
  it('detects missing MSE or H.264 support', () => {
    expect(checkPlaybackSupport({}).ok).toBe(false);
    expect(checkPlaybackSupport({ MediaSource: { isTypeSupported: () => false } })).toMatchObject({ ok: false, reason: expect.stringContaining('H.264') });
    expect(checkPlaybackSupport({ MediaSource: { isTypeSupported: () => true } })).toEqual({ ok: true });
  });
});
