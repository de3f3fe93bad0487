/**
 * HDHomeRun emulation over real HTTP (127.0.0.1, port 0): the device answers as a network
 * tuner would, its ID passes the libhdhomerun check and survives a restart, URLs follow the
 * Host the client used (never a hostile one), and the tuner count is enforced on live
 * stream requests. Channels are fakes: a tune-in gets its headers and no bytes, no ffmpeg.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { openStation, type Station } from '../station.ts';
import { channelIdentity, fakeDirector } from '../test-support/fake-channels.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { loadOrCreateToken } from './control-token.ts';
import { DEVICE_ID_FILE, deviceUdn, isValidDeviceId, loadOrCreateDeviceId, makeDeviceId } from './hdhomerun-device-id.ts';
import { createHttpServer, type GuideReader } from './http-server.ts';

const guide: GuideReader = { onAir: () => null, playlog: () => [], epg: () => [] };

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Hang up (for a stream that stays open). */
  close(): void;
}

/** A request with full control of the Host header; resolves on the response headers for streams, else on the body. */
function request(base: string, pathName: string, opts: { method?: string; host?: string; stream?: boolean } = {}): Promise<Answer> {
  const url = new URL(pathName, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: opts.method ?? 'GET', headers: opts.host ? { host: opts.host } : {} }, (res) => {
      const close = (): void => void req.destroy();
      if (opts.stream && res.statusCode === 200) {
        resolve({ status: 200, headers: res.headers, body: '', close });
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, close }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HDHomeRun device IDs', () => {
  it('accepts a real device ID and refuses one with a wrong check digit', () => {
    // 1251E8E2 is the ID of a real HDHomeRun (HDHR5-4DT).
    expect(isValidDeviceId('1251E8E2')).toBe(true);
    expect(isValidDeviceId('1251E8E3')).toBe(false);
    expect(isValidDeviceId('1251E8E')).toBe(false);
    expect(isValidDeviceId('1251e8e2')).toBe(false);
  });

  it('makes valid IDs, and keeps the one it made in the data directory', () => {
    for (let i = 0; i < 500; i++) expect(isValidDeviceId(makeDeviceId())).toBe(true);
    const tmp = makeTempDir();
    try {
      const first = loadOrCreateDeviceId(tmp.dir);
      expect(isValidDeviceId(first)).toBe(true);
      expect(loadOrCreateDeviceId(tmp.dir)).toBe(first);
      expect(readFileSync(path.join(tmp.dir, DEVICE_ID_FILE), 'utf8').trim()).toBe(first);
      // A damaged file is replaced by a valid ID rather than served.
      writeFileSync(path.join(tmp.dir, DEVICE_ID_FILE), 'not an id\n');
      expect(isValidDeviceId(loadOrCreateDeviceId(tmp.dir))).toBe(true);
      expect(deviceUdn(first)).toMatch(/^uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(deviceUdn(first)).toBe(deviceUdn(first));
    } finally {
      tmp.cleanup();
    }
  });
});

describe('HDHomeRun emulation over HTTP', () => {
  const tmp = makeTempDir();
  let station: Station;
  let base = '';
  let port = 0;
  let deviceId = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    station = openStation({ dataDir: tmp.dir });
    deviceId = loadOrCreateDeviceId(tmp.dir);
    const run = fakeDirector({ numbers: [1, 2, 3, 4], clock: station.clock });
    await run.director.syncChannels([1, 2, 3, 4].map((n) => (n === 4 ? { ...channelIdentity(n), enabled: false } : channelIdentity(n))));
    const app = await createHttpServer({
      director: run.director, schedule: guide, clock: station.clock, logger: silentLogger(), controlToken: loadOrCreateToken(tmp.dir), consoleDir: null,
      stationName: 'Rock & Roll <TV>', hdhomerun: { deviceId, tunerCount: 2 },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
    base = `http://127.0.0.1:${port}`;
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

  it('discover.json describes a tuner at the address the client used', async () => {
    const r = await request(base, '/discover.json', { host: 'tv.local:8410' });
    expect(r.status).toBe(200);
    const d = JSON.parse(r.body) as Record<string, unknown>;
    expect(d).toMatchObject({
      FriendlyName: 'Rock & Roll <TV>', DeviceID: deviceId, TunerCount: 2, BaseURL: 'http://tv.local:8410', LineupURL: 'http://tv.local:8410/lineup.json',
      ModelNumber: expect.stringMatching(/^HDTC-/), FirmwareName: expect.any(String), FirmwareVersion: expect.any(String),
    });
    expect(isValidDeviceId(String(d.DeviceID))).toBe(true);
    // A Host that is not a plain host is never copied into URLs.
    const hostile = JSON.parse((await request(base, '/discover.json', { host: 'evil"><x' })).body) as Record<string, string>;
    expect(hostile.BaseURL).toBe(base);
  });

  it('lineup.json lists the enabled channels with stream URLs, and lineup_status.json reports no scan', async () => {
    const lineup = JSON.parse((await request(base, '/lineup.json', { host: 'tv.local:8410' })).body) as Array<Record<string, string>>;
    expect(lineup.map((c) => c.GuideNumber)).toEqual(['1', '2', '3']);
    expect(lineup[0]).toMatchObject({ GuideNumber: '1', GuideName: 'Channel 1', URL: 'http://tv.local:8410/iptv/channel/1.ts' });
    expect(JSON.parse((await request(base, '/lineup_status.json')).body)).toEqual({ ScanInProgress: 0, ScanPossible: 1, Source: 'Cable', SourceList: ['Cable'] });
  });

  it('device.xml names the device with escaped text and the same IDs', async () => {
    const r = await request(base, '/device.xml', { host: 'tv.local:8410' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/xml/);
    expect(r.body).toContain('<URLBase>http://tv.local:8410</URLBase>');
    expect(r.body).toContain('<deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>');
    expect(r.body).toContain('<friendlyName>Rock &amp; Roll &lt;TV&gt;</friendlyName>');
    expect(r.body).toContain(`<UDN>${deviceUdn(deviceId)}</UDN>`);
    expect(r.body).toContain(`<serialNumber>${deviceId}</serialNumber>`);
  });

  it('lineup.post accepts a scan without the control token; every other POST still needs it', async () => {
    expect((await request(base, '/lineup.post?scan=start', { method: 'POST' })).status).toBe(200);
    expect((await request(base, '/lineup.post?scan=abort', { method: 'POST' })).status).toBe(200);
    const bad = await request(base, '/lineup.post?scan=everything', { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/scan=start/);
    expect((await request(base, '/api/channels/1/restart', { method: 'POST' })).status).toBe(401);
  });

  it('/auto/vN leads to the channel stream', async () => {
    const r = await request(base, '/auto/v2');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/iptv/channel/2.ts');
    expect((await request(base, '/auto/x2')).status).toBe(404);
  });

  it('enforces the tuner count: more viewers of a channel on air share it, one more channel gets 503', async () => {
    const a1 = await request(base, '/iptv/channel/1.ts', { stream: true });
    const a2 = await request(base, '/iptv/channel/1.ts', { stream: true });
    const b = await request(base, '/iptv/channel/2.ts', { stream: true });
    expect([a1.status, a2.status, b.status]).toEqual([200, 200, 200]);
    const refused = await request(base, '/iptv/channel/3.ts', { stream: true });
    expect(refused.status).toBe(503);
    expect(refused.headers['x-hdhomerun-error']).toBe('805 All Tuners In Use');
    const err = JSON.parse(refused.body) as { error: string; hint: string };
    expect(err.error).toBe('All 2 tuners are in use (on air: channels 1, 2); channel 3 cannot be tuned now.');
    expect(err.hint).toMatch(/--tuners/);
    // A probe puts nothing on air and is never refused; unknown and disabled channels keep their own answers.
    expect((await request(base, '/iptv/channel/3.ts', { method: 'HEAD' })).status).toBe(200);
    expect((await request(base, '/iptv/channel/42.ts')).status).toBe(404);
    expect((await request(base, '/iptv/channel/4.ts')).status).toBe(403);
    // Channel 1 still has a viewer after one hangs up; once both have, its tuner is free.
    a1.close();
    await new Promise((r) => setTimeout(r, 100));
    expect((await request(base, '/iptv/channel/3.ts', { stream: true })).status).toBe(503);
    a2.close();
    await new Promise((r) => setTimeout(r, 100));
    const c = await request(base, '/iptv/channel/3.ts', { stream: true });
    expect(c.status).toBe(200);
    b.close();
    c.close();
  });
});
