/**
 * SSDP on the loopback interface only: a headless station listening on 127.0.0.1 (no
 * channels, so no ffmpeg) answers an M-SEARCH for a MediaServer with a LOCATION that
 * serves its device.xml, survives a malformed packet, and is silent with ssdp: false.
 * M-SEARCHes go to the multicast group through loopback and, as a fallback where the
 * group is not delivered, straight to 127.0.0.1:1900. Answers are matched by this
 * station's UDN, so other stations on the machine cannot confuse the test.
 */
import dgram from 'node:dgram';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { deviceUdn, loadOrCreateDeviceId } from './hdhomerun-device-id.ts';
import { SSDP_PORT } from './ssdp-advertiser.ts';

const MEDIA_SERVER = 'urn:schemas-upnp-org:device:MediaServer:1';

function mSearch(st: string): Buffer {
  return Buffer.from(`M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ${st}\r\n\r\n`);
}

function headers(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toUpperCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Sends `packets` from a loopback socket and collects the answers carrying `udn` for `waitMs`. */
async function ask(udn: string, packets: Buffer[], waitMs = 1500): Promise<Record<string, string>[]> {
  const socket = dgram.createSocket('udp4');
  const answers: Record<string, string>[] = [];
  socket.on('message', (msg) => {
    const text = msg.toString('utf8');
    if (!text.startsWith('HTTP/1.1 200')) return;
    const h = headers(text);
    if (h.USN?.startsWith(udn)) answers.push(h);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setMulticastInterface('127.0.0.1');
  for (const p of packets) {
    await new Promise<void>((resolve) => socket.send(p, SSDP_PORT, '239.255.255.250', () => resolve()));
    await new Promise<void>((resolve) => socket.send(p, SSDP_PORT, '127.0.0.1', () => resolve()));
  }
  await new Promise((r) => setTimeout(r, waitMs));
  socket.close();
  return answers;
}

describe('SSDP on loopback', () => {
  const tmp = makeTempDir();
  let running: RunningStation;
  let udn = '';

  beforeAll(async () => {
    const data = path.join(tmp.dir, 'data');
    udn = deviceUdn(loadOrCreateDeviceId(data));
    running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null });
  });
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  it('answers an M-SEARCH for a MediaServer with a LOCATION that serves device.xml', async () => {
    const answers = await ask(udn, [mSearch(MEDIA_SERVER)]);
    expect(answers.length, 'no SSDP answer on loopback, neither through the multicast group nor at 127.0.0.1:1900 (see the station log for "SSDP is off")').toBeGreaterThan(0);
    const a = answers[0] as Record<string, string>;
    expect(a.ST).toBe(MEDIA_SERVER);
    expect(a.USN).toBe(`${udn}::${MEDIA_SERVER}`);
    expect(a.LOCATION).toBe(`${running.url}/device.xml`);
    const res = await fetch(a.LOCATION as string);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain(`<UDN>${udn}</UDN>`);
    expect(xml).toContain(`<deviceType>${MEDIA_SERVER}</deviceType>`);
  });

  it('answers ssdp:all and upnp:rootdevice, and ignores what it does not advertise', async () => {
    const all = await ask(udn, [mSearch('ssdp:all')]);
    expect(new Set(all.map((a) => a.ST))).toEqual(new Set(['upnp:rootdevice', MEDIA_SERVER]));
    const root = await ask(udn, [mSearch('upnp:rootdevice')]);
    expect(root.length).toBeGreaterThan(0);
    expect(await ask(udn, [mSearch('urn:schemas-upnp-org:device:Printer:1')], 800)).toEqual([]);
  });

  it('a malformed packet is dropped and the station keeps answering', async () => {
    const answers = await ask(udn, [Buffer.from('BOGUS * HTTP/1.1\r\n\r\n'), Buffer.from('\x00\x01garbage'), mSearch(MEDIA_SERVER)]);
    expect(answers.length).toBeGreaterThan(0);
    expect((await fetch(`${running.url}/api/health`)).status).toBe(200);
  });
});

describe('SSDP off', () => {
  it('a station started with ssdp: false answers no M-SEARCH', async () => {
    const tmp = makeTempDir();
    const data = path.join(tmp.dir, 'data');
    const udn = deviceUdn(loadOrCreateDeviceId(data));
    const running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null, ssdp: false });
    try {
      expect(await ask(udn, [mSearch(MEDIA_SERVER), mSearch('ssdp:all')], 1000)).toEqual([]);
      expect((await fetch(`${running.url}/discover.json`)).status).toBe(200);
    } finally {
      await running.stop();
      tmp.cleanup();
    }
  });
});
