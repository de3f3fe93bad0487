import { describe, expect, it } from 'vitest';
import { buildM3u } from './m3u.ts';
import { isPlainHost, safeBaseUrl } from './base-url.ts';

describe('base URL from the Host header', () => {
  const local = { address: '192.0.2.10', port: 8410 };
  it('uses a plain host as the client sent it', () => {
    for (const h of ['tv.local:8410', '127.0.0.1:8410', '[::1]:8410', 'retrovue', 'a-b.example.org']) expect(safeBaseUrl('http', h, local)).toBe(`http://${h}`);
  });
  it('falls back to the server address for anything that could inject into a playlist', () => {
    for (const h of ['evil" tvg-logo="x', 'a b', 'host/path', 'h\r\nX: y', '', 'x'.repeat(300), '-bad.example']) {
      expect(isPlainHost(h)).toBe(false);
      expect(safeBaseUrl('http', h, local)).toBe('http://192.0.2.10:8410');
    }
    expect(safeBaseUrl('http', undefined, { address: '::ffff:127.0.0.1', port: 1 })).toBe('http://127.0.0.1:1');
    expect(safeBaseUrl('http', undefined, { address: '::1', port: 2 })).toBe('http://[::1]:2');
  });
  it('an M3U built from a hostile Host carries no injected attribute', () => {
    const base = safeBaseUrl('http', 'evil" tvg-logo="http://x', local);
    const m3u = buildM3u(base, [{ uuid: 'u', number: 1, name: 'One "quoted"', enabled: true, mode: 'normal', viewerCount: 0, producerStatus: 'stopped', nowPlaying: null, streamUrl: `${base}/iptv/channel/1.ts` }], 'G');
    expect(m3u).not.toContain('evil');
    expect(m3u.split('\n')[1]!.match(/tvg-logo=/g)).toHaveLength(1);
  });
});
