import { describe, expect, it } from 'vitest';
import type { AsRunEntryDto } from '../../shared/types.ts';
import { deviationTags, isMarker } from './asrun-deviation.ts';
import { asRunQuery } from './asrun-store.ts';
import { assetsQuery } from './library-store.ts';
import { posterUrl } from './poster-frame.ts';

const entry = (e: Partial<AsRunEntryDto>): Pick<AsRunEntryDto, 'kind' | 'producer' | 'status' | 'deviation'> => ({ kind: 'program', producer: 'asset', status: 'closed', deviation: null, ...e });

describe('as-run deviations', () => {
  it('a clean airing has none; a marker is a marker', () => {
    expect(deviationTags(entry({}))).toEqual([]);
    expect(isMarker({ kind: 'on-air' })).toBe(true);
    expect(isMarker({ kind: 'program' })).toBe(false);
    expect(deviationTags(entry({ kind: 'on-air', producer: null }))).toEqual([]);
  });

  it('names each kind of deviation the station records', () => {
    expect(deviationTags(entry({ producer: 'slate', deviation: 'media cannot be played (a.mp4: bad); aired the error slate' }))).toEqual(['slate']);
    expect(deviationTags(entry({ kind: 'emergency', producer: 'emergency', deviation: null }))).toEqual(['emergency']);
    expect(deviationTags(entry({ status: 'interrupted' }))).toEqual(['interrupted']);
    expect(deviationTags(entry({ deviation: 'late source: 40 frames padded or held' }))).toEqual(['late']);
    expect(deviationTags(entry({ deviation: 'encoder restarted (exit 1)' }))).toEqual(['restart']);
    expect(deviationTags(entry({ deviation: 'decoder restarted (stall); late source: 31 frames padded or held' }))).toEqual(['late', 'restart']);
    expect(deviationTags(entry({ kind: 'off-air', deviation: 'encoder-failed' }))).toEqual(['other']);
  });
});

describe('view queries', () => {
  it('as-run: a day only when one is chosen', () => {
    expect(asRunQuery(2, null)).toBe('channel=2');
    expect(asRunQuery(2, '2026-01-31')).toBe('channel=2&day=2026-01-31');
  });
  it('assets: filter and page', () => {
    expect(assetsQuery({ state: null, collection: null, offset: 0 })).toBe('limit=100&offset=0');
    expect(assetsQuery({ state: 'new', collection: 7, offset: 200 })).toBe('state=new&collection=7&limit=100&offset=200');
  });
  it('poster: a new URL per bucket and per item, within what the station accepts', () => {
    const a = posterUrl('http://s', 3, 5, 'ch3-1700000000000-program/x');
    expect(a).toMatch(/^http:\/\/s\/api\/channels\/3\/poster\.jpg\?t=5\.[A-Za-z0-9_-]{1,16}$/);
    expect(posterUrl('http://s', 3, 6, 'ch3-1700000000000-program/x')).not.toBe(a);
    expect(new URL(a).searchParams.get('t')!.length).toBeLessThanOrEqual(32);
  });
});
