/**
 * The control surface over real HTTP (127.0.0.1, port 0): without the right bearer token
 * nothing changes; bad bodies are refused naming the field; preflights get no CORS; the
 * viewer side stays open. The director runs over fake channels with a real SQLite store.
 */
import { statSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorStateDto, ModeChangeDto, ModeSwitchResult } from '../../shared/types.ts';
import { silentLogger } from '../logger.ts';
import { SqliteDirectorStore } from '../runtime/director-store.ts';
import { openStation, type Station } from '../station.ts';
import { fakeDirector, type FakeChannel } from '../test-support/fake-channels.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { controlTokenFile, loadOrCreateToken, tokensEqual } from './control-token.ts';
import { createHttpServer, type GuideReader } from './http-server.ts';

const guide: GuideReader = { onAir: () => null, playlog: () => [], epg: () => [] };
const ALERT = 'Boil-water notice for the east side until further notice.';

describe('control routes over HTTP', () => {
  const tmp = makeTempDir();
  let station: Station;
  let fakes: Map<number, FakeChannel>;
  let base = '';
  let token = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    station = openStation({ dataDir: tmp.dir });
    token = loadOrCreateToken(tmp.dir);
    const run = fakeDirector({ numbers: [1, 2, 3], store: new SqliteDirectorStore(station.db), clock: station.clock });
    fakes = run.fakes;
    const app = await createHttpServer({ director: run.director, schedule: guide, clock: station.clock, logger: silentLogger(), controlToken: token, consoleDir: null });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    close = async () => {
      await app.close();
      await run.director.shutdown();
    };
  });
  afterAll(async () => {
    await close();
    station.close();
    tmp.cleanup();
  });

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const auth = (t = token) => ({ authorization: `Bearer ${t}` });
  const director = async (): Promise<DirectorStateDto> => (await (await fetch(`${base}/api/director`)).json()) as DirectorStateDto;
  const allCalls = () => [...fakes.values()].flatMap((f) => f.calls);

  it('refuses every control route without the token, or with a wrong one, and changes nothing', async () => {
    const before = await director();
    const routes: [string, unknown][] = [
      ['/api/director/mode', { mode: 'emergency', message: ALERT }],
      ['/api/channels/1/restart', {}],
    ];
    const wrong = [{}, auth('not-the-token'), auth(token.slice(0, -1)), auth(`${token}x`), { authorization: token }, { authorization: `Basic ${token}` }];
    for (const [url, body] of routes) {
      for (const headers of wrong) {
        const res = await post(url, body, headers);
        expect(res.status, `${url} ${JSON.stringify(headers)}`).toBe(401);
        const err = (await res.json()) as { error: string; hint: string };
        expect(err.hint).toMatch(/control-token/);
        expect(err.hint).toMatch(/\?token=/);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(res.headers.get('set-cookie')).toBeNull();
      }
    }
    expect(await director()).toEqual(before);
    expect(allCalls()).toEqual([]);
    expect([...fakes.values()].map((f) => f.restarts)).toEqual([0, 0, 0]);
    const history = (await (await fetch(`${base}/api/director/history`)).json()) as ModeChangeDto[];
    expect(history).toEqual([]);
  });

  it('refuses bad bodies with 400 naming the field, before touching a channel', async () => {
    const cases: [unknown, RegExp][] = [
      [{ mode: 'emergency' }, /body 'message'.*needs a message/],
      [{ mode: 'emergency', message: ALERT, style: 'scroll' }, /body 'style'/],
      [{ mode: 'emergency', message: ALERT, channels: [1.5] }, /body 'channels\.0'/],
      [{ mode: 'emergency', message: ALERT, channels: ['1'] }, /body 'channels\.0'/],
      [{ mode: 'emergency', message: ALERT, channels: [42] }, /body 'channels'.*no channel 42/],
      [{ mode: 'emergency', message: 'x'.repeat(501) }, /body 'message'/],
      [{ mode: 'party' }, /body 'mode'/],
      [{ mode: 'normal', extra: 1 }, /extra/],
      [{ mode: 'guide', message: 'hi' }, /body 'message'.*only to emergency/],
      [{ mode: 'normal', reason: 'r'.repeat(501) }, /body 'reason'/],
    ];
    for (const [body, pattern] of cases) {
      const res = await post('/api/director/mode', body, auth());
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error, JSON.stringify(body)).toMatch(pattern);
    }
    const big = await post('/api/director/mode', { mode: 'emergency', message: 'x'.repeat(20_000) }, auth());
    expect(big.status).toBe(413);
    expect(allCalls()).toEqual([]);
    expect((await director()).mode).toBe('normal');
  });

  it('with the token: switches, logs who asked, and reports 409 (all back) when a channel refuses', async () => {
    const ok = await post('/api/director/mode', { mode: 'emergency', message: ALERT, style: 'crawl', channels: [1, 3], reason: 'water main' }, { ...auth(), 'x-retrovue-operator': 'Dana\t at MCR' });
    expect(ok.status).toBe(200);
    const result = (await ok.json()) as ModeSwitchResult;
    expect(result).toMatchObject({ ok: true, channels: [{ number: 1, ok: true }, { number: 3, ok: true }] });
    expect(result.state).toMatchObject({ mode: 'emergency', channels: [1, 3], style: 'crawl', by: 'Dana at MCR (http 127.0.0.1)', reason: 'water main' });
    expect(await director()).toEqual(result.state);
    expect(fakes.get(2)!.calls).toEqual([]);
    const status = (await (await fetch(`${base}/api/channels`)).json()) as { number: number; mode: string }[];
    expect(status.map((s) => [s.number, s.mode])).toEqual([[1, 'emergency'], [2, 'normal'], [3, 'emergency']]);

    fakes.get(2)!.refuse = { mode: 'maintenance', error: 'slate would not start' };
    const refused = await post('/api/director/mode', { mode: 'maintenance' }, auth());
    expect(refused.status).toBe(409);
    const r = (await refused.json()) as ModeSwitchResult;
    expect(r.ok).toBe(false);
    expect(r.channels).toContainEqual({ number: 2, ok: false, error: 'slate would not start' });
    expect(r.error).toMatch(/channel 2/);
    expect(r.state).toEqual(result.state);
    expect(fakes.get(1)!.spec).toEqual({ mode: 'emergency', message: ALERT, style: 'crawl' });
    expect(fakes.get(2)!.spec).toEqual({ mode: 'normal' });
    fakes.get(2)!.refuse = null;

    const history = (await (await fetch(`${base}/api/director/history?limit=5`)).json()) as ModeChangeDto[];
    expect(history.map((h) => [h.mode, h.ok, h.by])).toEqual([
      ['maintenance', false, 'http 127.0.0.1'],
      ['emergency', true, 'Dana at MCR (http 127.0.0.1)'],
    ]);
    expect((await fetch(`${base}/api/director/history?limit=0`)).status).toBe(400);

    const off = await post('/api/director/mode', { mode: 'normal' }, auth());
    expect(off.status).toBe(200);
    expect((await director()).mode).toBe('normal');
  });

  it('crawl: needs the token, refuses bad bodies naming the field, reaches only the channels asked, and stops', async () => {
    const del = (headers: Record<string, string> = {}) => fetch(`${base}/api/crawl`, { method: 'DELETE', headers });
    expect((await post('/api/crawl', { text: 'x' })).status).toBe(401);
    expect((await del()).status).toBe(401);
    expect([...fakes.values()].every((f) => f.crawls.length === 0)).toBe(true);
    for (const [body, field] of [[{ text: '' }, 'text'], [{ text: 'a', minutes: 0 }, 'minutes'], [{ text: 'a', channels: [9] }, 'channels'], [{ text: 'a', color: 'red' }, 'color'], [{ text: 'x'.repeat(501) }, 'text']] as const) {
      const res = await post('/api/crawl', body, auth());
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(field);
    }
    const res = await post('/api/crawl', { text: 'School closings: "all" [county]', minutes: 30, channels: [2, 3] }, auth());
    expect(res.status).toBe(200);
    const { crawl } = (await res.json()) as { crawl: { text: string; channels: number[]; until: string } };
    expect(crawl).toMatchObject({ text: 'School closings: "all" [county]', channels: [2, 3] });
    expect(Date.parse(crawl.until) - station.clock.nowMs()).toBeGreaterThan(29 * 60_000);
    expect(fakes.get(1)!.crawls).toEqual([]);
    expect(fakes.get(2)!.crawls.at(-1)?.text).toBe('School closings: "all" [county]');
    expect(((await (await fetch(`${base}/api/crawl`)).json()) as { crawl: unknown }).crawl).toMatchObject({ channels: [2, 3] });
    expect((await del(auth())).status).toBe(200);
    expect(fakes.get(2)!.crawls.at(-1)).toBeNull();
    expect(fakes.get(3)!.crawls.at(-1)).toBeNull();
    expect(fakes.get(1)!.crawls).toEqual([]);
    expect(((await (await fetch(`${base}/api/crawl`)).json()) as { crawl: unknown }).crawl).toBeNull();
    // A crawl the station cannot keep (read-only database) is refused with what to do.
    station.database.sqlite.pragma('query_only = ON');
    try {
      const refused = await post('/api/crawl', { text: 'Storm warning' }, auth());
      expect(refused.status).toBe(500);
      expect(((await refused.json()) as { error: string }).error).toMatch(/could not save the crawl .*disk space and permissions/);
    } finally {
      station.database.sqlite.pragma('query_only = OFF');
    }
    expect(fakes.get(1)!.crawls).toEqual([]);
  });

  it('restarts a channel with the token; 404 for an unknown one', async () => {
    const res = await post('/api/channels/2/restart', {}, auth());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, channel: 2 });
    expect(fakes.get(2)!.restarts).toBe(1);
    expect((await post('/api/channels/77/restart', {}, auth())).status).toBe(404);
    // No body at all is fine for a restart.
    const bare = await fetch(`${base}/api/channels/3/restart`, { method: 'POST', headers: auth() });
    expect(bare.status).toBe(200);
    expect(fakes.get(3)!.restarts).toBe(1);
  });

  it('answers a CORS preflight without any Access-Control-Allow-* header; viewer routes stay open', async () => {
    const pre = await fetch(`${base}/api/director/mode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(pre.status).toBe(204);
    for (const [k] of pre.headers) expect(k).not.toMatch(/^access-control-/);
    expect((await fetch(`${base}/api/director`)).status).toBe(200);
    expect((await fetch(`${base}/api/channels`)).status).toBe(200);
    expect((await fetch(`${base}/iptv/channels.m3u`)).status).toBe(200);
    expect((await fetch(`${base}/iptv/xmltv.xml`)).status).toBe(200);
  });
});

describe('the control token file', () => {
  it('is made once with mode 0600, reused, and tightened if loosened', () => {
    const tmp = makeTempDir();
    try {
      const first = loadOrCreateToken(tmp.dir);
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(statSync(controlTokenFile(tmp.dir)).mode & 0o777).toBe(0o600);
      expect(loadOrCreateToken(tmp.dir)).toBe(first);
      chmodSync(controlTokenFile(tmp.dir), 0o644);
      expect(loadOrCreateToken(tmp.dir)).toBe(first);
      expect(statSync(controlTokenFile(tmp.dir)).mode & 0o777).toBe(0o600);
      writeFileSync(controlTokenFile(tmp.dir), 'short\n');
      const replaced = loadOrCreateToken(tmp.dir);
      expect(replaced).not.toBe(first);
      expect(readFileSync(controlTokenFile(tmp.dir), 'utf8').trim()).toBe(replaced);
      expect(tokensEqual(first, first)).toBe(true);
      expect(tokensEqual(first, replaced)).toBe(false);
      expect(tokensEqual('', first)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });

  it('the same token across station starts (a real headless station)', async () => {
    const { startHeadlessStation } = await import('../headless.ts');
    const tmp = makeTempDir();
    const data = path.join(tmp.dir, 'data');
    try {
      const a = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null });
      const token = a.token;
      expect(a.controlUrl).toBe(`${a.url}/?token=${token}`);
      expect(JSON.parse(readFileSync(path.join(data, 'station.json'), 'utf8'))).toEqual({ url: a.url, port: Number(new URL(a.url).port), pid: process.pid });
      expect(statSync(path.join(data, 'control-token')).mode & 0o777).toBe(0o600);
      const res = await fetch(`${a.url}/api/director/mode`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ mode: 'emergency', message: ALERT, reason: 'drill' }) });
      expect(res.status).toBe(200);
      await a.stop();
      expect(() => statSync(path.join(data, 'station.json'))).toThrow();

      const b = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null });
      try {
        expect(b.token).toBe(token);
        const state = (await (await fetch(`${b.url}/api/director`)).json()) as DirectorStateDto;
        expect(state).toMatchObject({ mode: 'emergency', message: ALERT, reason: 'drill', by: 'http 127.0.0.1' });
        expect(b.director.globalMode()).toBe('emergency');
      } finally {
        await b.stop();
      }
    } finally {
      tmp.cleanup();
    }
  });
});
