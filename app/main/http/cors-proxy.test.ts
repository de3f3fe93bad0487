/**
 * Web players on other origins may read (guides, playlists, streams, the read-only API) but
 * never control; behind a reverse proxy started with trustProxy, URLs follow
 * X-Forwarded-Proto/Host, and without it those headers change nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { openStation } from '../station.ts';
import { fakeDirector } from '../test-support/fake-channels.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { loadOrCreateToken } from './control-token.ts';
import { createHttpServer, type GuideReader } from './http-server.ts';

const guide: GuideReader = { onAir: () => null, playlog: () => [], epg: () => [] };

async function serve(trustProxy: boolean) {
  const tmp = makeTempDir();
  const station = openStation({ dataDir: tmp.dir });
  const run = fakeDirector({ numbers: [1, 2], clock: station.clock });
  const app = await createHttpServer({ director: run.director, schedule: guide, clock: station.clock, logger: silentLogger(), controlToken: loadOrCreateToken(tmp.dir), consoleDir: null, trustProxy });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    base,
    async close() {
      await app.close();
      await run.director.shutdown();
      station.close();
      tmp.cleanup();
    },
  };
}

describe('CORS and reverse proxies', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('lets other origins read, never control', async () => {
    const s = await serve(false);
    closers.push(s.close);
    const origin = { Origin: 'http://player.example' };
    for (const url of ['/iptv/channels.m3u', '/iptv/xmltv.xml', '/api/channels', '/api/director']) {
      const r = await fetch(`${s.base}${url}`, { headers: origin });
      expect(r.headers.get('access-control-allow-origin'), url).toBe('*');
    }
    const readPreflight = await fetch(`${s.base}/iptv/xmltv.xml`, { method: 'OPTIONS', headers: { ...origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' } });
    expect(readPreflight.status).toBe(204);
    expect(readPreflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(readPreflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    const controlPreflight = await fetch(`${s.base}/api/director/mode`, { method: 'OPTIONS', headers: { ...origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' } });
    expect(controlPreflight.status).toBe(204);
    expect(controlPreflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${s.base}/api/director/mode`, { method: 'POST', headers: { ...origin, 'content-type': 'application/json' }, body: '{"mode":"guide"}' });
    expect(post.status).toBe(401);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('builds URLs from X-Forwarded-Proto/Host only when told to trust the proxy', async () => {
    const proxied = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'tv.example.org' };
    const open = await serve(false);
    closers.push(open.close);
    const plain = await (await fetch(`${open.base}/iptv/channels.m3u`, { headers: proxied })).text();
    expect(plain).toContain(`${open.base}/iptv/channel/1.ts`);
    expect(plain).not.toContain('tv.example.org');

    const behind = await serve(true);
    closers.push(behind.close);
    const m3u = await (await fetch(`${behind.base}/iptv/channels.m3u`, { headers: proxied })).text();
    expect(m3u).toContain('https://tv.example.org/iptv/channel/1.ts');
    // A forwarded host that is not a plain host is still never copied.
    const hostile = await (await fetch(`${behind.base}/iptv/channels.m3u`, { headers: { ...proxied, 'X-Forwarded-Host': 'evil" tvg-logo="x' } })).text();
    expect(hostile).not.toContain('evil');
  });
});
