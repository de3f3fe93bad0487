/**
 * HDHomeRun emulation: the few HTTP resources a network tuner answers, so Plex, Jellyfin
 * and Emby add the station as a live-TV tuner (SSDP points them at /device.xml; see
 * ssdp-advertiser.ts). The lineup lists the enabled channels with their MPEG-TS URLs, and
 * the tuner count is enforced on every tune-in (see tuner-limit.ts).
 */
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../../shared/types.ts';
import type { Logger } from '../logger.ts';
import type { ProgramDirector } from '../runtime/program-director.ts';
import { requestBaseUrl } from './base-url.ts';
import { deviceUdn } from './hdhomerun-device-id.ts';
import { TunerLimit } from './tuner-limit.ts';
import { xmlText } from './xml-text.ts';

export interface HdhomerunOptions {
  /** 8 hex digits with a valid check digit (hdhomerun-device-id.ts). */
  deviceId: string;
  /** Distinct channels that may be on air for viewers at once. */
  tunerCount: number;
}

export interface HdhomerunContext extends HdhomerunOptions {
  director: ProgramDirector;
  stationName: string;
}

/** What the emulated device reports itself as: the model Plex and Jellyfin treat as a plain network tuner. */
const MODEL = 'HDTC-2US';
const FIRMWARE_NAME = 'hdhomeruntc_atsc';
const FIRMWARE_VERSION = '20200101';
/** MPEG-TS streams, and HLS playlists (a channel's HLS session is one of its viewers and holds its tuner). */
const STREAM_PATH = /^\/iptv\/channel\/(\d{1,4})\.(?:ts|m3u8)(?:\?.*)?$/;

/** The one POST a tuner client sends; it changes nothing here, so it needs no control token. */
export function isTunerScanRequest(method: string, url: string): boolean {
  return method === 'POST' && url.split('?')[0] === '/lineup.post';
}

function baseUrl(req: FastifyRequest): string {
  return requestBaseUrl(req);
}

export function deviceXml(base: string, ctx: Pick<HdhomerunContext, 'deviceId' | 'stationName'>): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<root xmlns="urn:schemas-upnp-org:device-1-0">',
    `  <URLBase>${xmlText(base)}</URLBase>`,
    '  <specVersion><major>1</major><minor>0</minor></specVersion>',
    '  <device>',
    '    <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>',
    `    <friendlyName>${xmlText(ctx.stationName)}</friendlyName>`,
    '    <manufacturer>Silicondust</manufacturer>',
    `    <modelName>${MODEL}</modelName>`,
    `    <modelNumber>${MODEL}</modelNumber>`,
    `    <serialNumber>${ctx.deviceId}</serialNumber>`,
    `    <UDN>${deviceUdn(ctx.deviceId)}</UDN>`,
    '  </device>',
    '</root>',
    '',
  ].join('\n');
}

export type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export function registerHdhomerunRoutes(app: StationApp, ctx: HdhomerunContext): TunerLimit {
  const { director } = ctx;
  const watched = (): number[] => director.channelNumbers().filter((n) => (director.manager(n)?.runtimeStatus().viewerCount ?? 0) > 0);
  const tuners = new TunerLimit(ctx.tunerCount, watched);
  const enabled = () => director.channels().filter((c) => c.enabled).sort((a, b) => a.number - b.number);

  // Every stream request takes a tuner first; HEAD puts nothing on air and takes none.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET') return;
    const m = STREAM_PATH.exec(req.url);
    if (!m) return;
    const number = Number(m[1]);
    // Unknown and disabled channels are the stream route's to refuse, with its own message.
    if (!director.channels().some((c) => c.number === number && c.enabled)) return;
    const got = tuners.acquire(number);
    if ('release' in got) {
      reply.raw.once('close', got.release);
      return;
    }
    const body: ApiError = {
      error: `All ${got.count} tuner${got.count === 1 ? ' is' : 's are'} in use (on air: channel${got.inUse.length === 1 ? '' : 's'} ${got.inUse.join(', ')}); channel ${number} cannot be tuned now.`,
      hint: `Watch a channel that is already on air, stop watching one of those, or start the station with more tuners (retrovue serve --tuners N).`,
    };
    // The header is the one HDHomeRun clients read to tell the viewer why.
    return reply.code(503).headers({ 'X-HDHomeRun-Error': '805 All Tuners In Use', 'Retry-After': '5', 'Cache-Control': 'no-store' }).type('application/json').send(body);
  });

  app.get('/discover.json', async (req) => {
    const base = baseUrl(req);
    return {
      FriendlyName: ctx.stationName,
      Manufacturer: 'Silicondust',
      ModelNumber: MODEL,
      FirmwareName: FIRMWARE_NAME,
      FirmwareVersion: FIRMWARE_VERSION,
      DeviceID: ctx.deviceId,
      DeviceAuth: ctx.deviceId.toLowerCase(),
      BaseURL: base,
      LineupURL: `${base}/lineup.json`,
      TunerCount: tuners.count,
    };
  });

  app.get('/lineup_status.json', async () => ({ ScanInProgress: 0, ScanPossible: 1, Source: 'Cable', SourceList: ['Cable'] }));

  app.get('/lineup.json', async (req) => {
    const base = baseUrl(req);
    return enabled().map((c) => ({ GuideNumber: String(c.number), GuideName: c.name, VideoCodec: 'H264', AudioCodec: 'AAC', URL: `${base}/iptv/channel/${c.number}.ts` }));
  });

  app.get('/device.xml', async (req, reply) => reply.type('application/xml; charset=utf-8').send(deviceXml(baseUrl(req), ctx)));

  // A real tuner scans for channels; ours are always known, so a scan finishes at once.
  app.post('/lineup.post', async (req, reply) => {
    const scan = (req.query as Record<string, unknown>).scan;
    if (scan === 'start' || scan === 'abort') return reply.code(200).send();
    const body: ApiError = { error: `lineup.post expects ?scan=start or ?scan=abort (got ${scan === undefined ? 'nothing' : JSON.stringify(String(scan))}).`, hint: 'The lineup is always current: GET /lineup.json.' };
    return reply.code(400).type('application/json').send(body);
  });

  // The path a real HDHomeRun streams a channel at; some clients build it from GuideNumber.
  app.get('/auto/:channel', async (req, reply) => {
    const m = /^v(\d{1,4})$/.exec((req.params as { channel: string }).channel);
    if (!m) {
      const body: ApiError = { error: 'Expected /auto/v<channel number>, e.g. /auto/v2.', hint: 'See /lineup.json for the channels.' };
      return reply.code(404).type('application/json').send(body);
    }
    return reply.redirect(`/iptv/channel/${Number(m[1])}.ts`, 302);
  });

  return tuners;
}
