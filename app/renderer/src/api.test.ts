import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchChannels, StationError } from './api.ts';
import { resolveApiBase } from './bridge.ts';

afterEach(() => vi.unstubAllGlobals());

describe('fetchChannels', () => {
  it('returns the list sorted by the caller, filling a missing stream URL', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify([{ number: 2, name: 'Two', producerStatus: 'running', streamUrl: '' }, { bogus: true }]), { status: 200 }));
    const list = await fetchChannels('http://st:1');
    expect(list).toHaveLength(1);
    expect(list[0]?.streamUrl).toBe('http://st:1/iptv/channel/2.ts');
  });
  it('passes on the station’s error text', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: 'database is locked', hint: 'wait' }), { status: 500 }));
    const err = await fetchChannels('http://st:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationError);
    expect(err).toMatchObject({ message: 'The station reported a problem: database is locked', hint: 'wait' });
  });
  it('says the station cannot be reached when the request fails', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(fetchChannels('http://st:1')).rejects.toThrow('Cannot reach the station at http://st:1.');
  });
});

describe('resolveApiBase', () => {
  it('prefers the bridge, else the http origin, else nothing', () => {
    expect(resolveApiBase({ apiBase: 'http://a:1/' }, { protocol: 'file:', origin: 'null' })).toBe('http://a:1');
    expect(resolveApiBase(undefined, { protocol: 'http:', origin: 'http://b:2' })).toBe('http://b:2');
    expect(resolveApiBase(undefined, { protocol: 'file:', origin: 'null' })).toBeNull();
  });
});
