/**
 * Fault: hostile HTTP against a running station: bad channel numbers, path traversal,
 * huge headers, HEAD and OPTIONS on every route, control requests without the token,
 * malformed and oversize bodies, broken request lines. Every refusal is a 4xx whose JSON
 * body says what was wrong; the station stays up and nothing goes on the air.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLoopStation, startFaultStation, type FaultStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { pollUntil, sleep } from '../test-support/poll.ts';
import { ffmpegUnder } from '../test-support/proc-tree.ts';
import { message, rawRequest, type RawResponse } from '../test-support/raw-http.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const SECRET = 'TOP-SECRET-NEXT-TO-THE-CONSOLE';

/** Every route the station serves, with real parameters filled in. */
const GET_ROUTES = [
  '/', '/api/health', '/api/channels', '/api/director', '/api/director/history', '/api/channels/1/now', '/api/channels/1/epg', '/api/channels/1/playlog',
  '/api/channels/1/health', '/api/status', '/api/events', '/metrics', '/api/asrun', '/api/asrun/report',
  '/iptv/channels.m3u', '/iptv/xmltv.xml', '/iptv/xmltv.xml.gz', '/iptv/logos/1.png', '/iptv/channel/1.ts', '/iptv/hls/1/index.m3u8',
  '/discover.json', '/lineup.json', '/lineup_status.json', '/device.xml', '/auto/v1',
];
const POST_ROUTES = ['/api/director/mode', '/api/channels/1/restart', '/lineup.post'];

interface Attack {
  what: string;
  request: string;
  /** The status expected; any 4xx when omitted. */
  status?: number;
}

function attacks(token: string): Attack[] {
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  return [
    { what: 'negative channel', request: message('GET', '/iptv/channel/-1.ts'), status: 404 },
    { what: 'channel 99999', request: message('GET', '/iptv/channel/99999.ts'), status: 404 },
    { what: 'channel 1e3', request: message('GET', '/iptv/channel/1e3.ts'), status: 404 },
    { what: 'channel 0x1', request: message('GET', '/iptv/channel/0x1.ts'), status: 404 },
    { what: 'encoded traversal in a channel', request: message('GET', '/iptv/channel/%2e%2e%2f%2e%2e%2fetc%2fpasswd') },
    { what: 'raw traversal in a channel', request: message('GET', '/iptv/channel/../../etc/passwd') },
    { what: 'raw traversal from the console', request: message('GET', '/../secret.txt') },
    { what: 'encoded traversal from the console', request: message('GET', '/%2e%2e/secret.txt') },
    { what: 'encoded slash traversal from the console', request: message('GET', '/..%2fsecret.txt') },
    { what: 'double-encoded traversal', request: message('GET', '/%252e%252e%252fsecret.txt') },
    { what: 'traversal in a logo', request: message('GET', '/iptv/logos/..%2f..%2f..%2fpackage.json') },
    { what: 'NUL in a path', request: message('GET', '/iptv/channel/1.ts%00.m3u') },
    { what: 'bad number in now', request: message('GET', '/api/channels/1e3/now'), status: 400 },
    { what: 'bad time in now', request: message('GET', '/api/channels/1/now?at=..%2f..%2f'), status: 400 },
    { what: 'huge history limit', request: message('GET', '/api/director/history?limit=1e999'), status: 400 },
    { what: 'bad HLS channel', request: message('GET', '/iptv/hls/99999/index.m3u8') },
    { what: 'bad HDHomeRun channel', request: message('GET', '/auto/v99999') },
    { what: '64 kB header', request: message('GET', '/api/health', { 'X-Padding': 'a'.repeat(64 * 1024) }), status: 431 },
    { what: 'mode switch without token', request: message('POST', '/api/director/mode', { 'Content-Type': 'application/json' }, '{"mode":"guide"}'), status: 401 },
    { what: 'restart without token', request: message('POST', '/api/channels/1/restart'), status: 401 },
    { what: 'mode switch with a wrong token', request: message('POST', '/api/director/mode', { ...auth, Authorization: 'Bearer nope' }, '{"mode":"guide"}'), status: 401 },
    { what: 'PUT without token', request: message('PUT', '/api/channels'), status: 401 },
    { what: 'DELETE without token', request: message('DELETE', '/api/director'), status: 401 },
    { what: 'malformed JSON', request: message('POST', '/api/director/mode', auth, '{"mode": "guide",'), status: 400 },
    { what: 'JSON of the wrong shape', request: message('POST', '/api/director/mode', auth, '["guide"]'), status: 400 },
    { what: 'unknown mode', request: message('POST', '/api/director/mode', auth, '{"mode":"party"}'), status: 400 },
    { what: 'unknown field', request: message('POST', '/api/director/mode', auth, '{"mode":"normal","exec":"rm -rf /"}'), status: 400 },
    { what: 'emergency without a message', request: message('POST', '/api/director/mode', auth, '{"mode":"emergency"}'), status: 400 },
    { what: 'oversize body', request: message('POST', '/api/director/mode', auth, JSON.stringify({ mode: 'guide', reason: 'x'.repeat(64 * 1024) })), status: 413 },
    { what: 'text body', request: message('POST', '/api/director/mode', { ...auth, 'Content-Type': 'text/plain' }, 'mode=guide') },
    { what: 'restart of channel 99999', request: message('POST', '/api/channels/99999/restart', auth) },
    { what: 'Content-Length and chunked together', request: message('POST', '/api/director/mode', { ...auth, 'Transfer-Encoding': 'chunked', 'Content-Length': '5' }, '0\r\n\r\n'), status: 400 },
    { what: 'unknown method', request: 'BREW /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', status: 400 },
    { what: 'garbage request line', request: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n', status: 400 },
  ];
}

/** A JSON object with a non-empty error string: the answer says what was wrong. */
function explained(r: RawResponse): string | null {
  try {
    const b = JSON.parse(r.body) as { error?: unknown; message?: unknown };
    const text = [b.error, b.message].filter((x) => typeof x === 'string' && x.length > 0).join(': ');
    return text || null;
  } catch {
    return null;
  }
}

describe('hostile HTTP', () => {
  const tmp = makeTempDir('retrovue-fault-http-');
  let st: FaultStation;
  let port = 0;

  beforeAll(async () => {
    // Long enough that the guide routes stay small (a 2 s loop makes 130,000 guide entries a day).
    const built = await buildLoopStation(tmp.dir, [{ name: 'a.mp4', seconds: 30 }]);
    // A console folder with a secret beside it, for the traversal attempts.
    const consoleDir = path.join(tmp.dir, 'site', 'console');
    mkdirSync(consoleDir, { recursive: true });
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(tmp.dir, 'site', 'secret.txt'), SECRET);
    st = await startFaultStation(built.data, { lingerMs: 0, consoleDir });
    port = Number(new URL(st.base).port);
  });
  afterAll(async () => {
    await st?.stop();
    tmp.cleanup();
  });

  async function nothingOnAir(): Promise<void> {
    const channels = (await (await fetch(`${st.base}/api/channels`)).json()) as { viewerCount: number; producerStatus: string }[];
    expect(channels.map((c) => [c.viewerCount, c.producerStatus])).toEqual([[0, 'stopped']]);
    expect(st.running.director.pids()).toEqual([]);
    expect(ffmpegUnder()).toEqual([]);
    expect(((await (await fetch(`${st.base}/api/director`)).json()) as { mode: string }).mode).toBe('normal');
  }

  it('refuses every hostile request with a 4xx that says why', async () => {
    const unexplained: string[] = [];
    let refused = 0;
    for (const a of attacks(st.running.token)) {
      const r = await rawRequest(port, a.request);
      const why = explained(r);
      const ok = (a.status ? r.status === a.status : r.status >= 400 && r.status < 500) && why !== null && !r.body.includes(SECRET) && !r.body.includes('root:x:0');
      if (ok) refused++;
      else unexplained.push(`${a.what} → ${r.status} ${r.body.slice(0, 120).replace(/\s+/g, ' ')}`);
    }
    report(`hostile HTTP → ${refused} of ${refused + unexplained.length} attacks refused with an explained 4xx${unexplained.length ? `; not: ${unexplained.join(' | ')}` : ''}`);
    expect(unexplained).toEqual([]);
    expect((await fetch(`${st.base}/api/health`)).status).toBe(200);
    await nothingOnAir();
  });

  it('HEAD and OPTIONS on every route start nothing', async () => {
    const answers: string[] = [];
    const bad: string[] = [];
    for (const route of [...GET_ROUTES, ...POST_ROUTES]) {
      for (const method of ['HEAD', 'OPTIONS']) {
        const r = await rawRequest(port, message(method, route), 10_000);
        answers.push(`${method} ${route} ${r.status}`);
        if (!(r.status >= 200 && r.status < 500) || (method === 'HEAD' && r.body.length > 0)) bad.push(`${method} ${route} → ${r.status} (${r.body.length} body bytes)`);
      }
    }
    // Anything a probe started would be up by now.
    await sleep(500);
    const onAir = st.running.director.pids().length + ffmpegUnder().length;
    report(`HEAD/OPTIONS → ${answers.length} probes on ${GET_ROUTES.length + POST_ROUTES.length} routes, ${bad.length} bad answers, ${onAir} processes started${bad.length ? `: ${bad.join(' | ')}` : ''}`);
    expect(bad).toEqual([]);
    await pollUntil('nothing on air', () => st.running.director.pids().length === 0 && ffmpegUnder().length === 0, 5000).catch(() => {});
    await nothingOnAir();
  });
});
