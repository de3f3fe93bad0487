/**
 * SSDP (UDP 1900): announces the station as a UPnP MediaServer whose LOCATION is
 * /device.xml, so Plex, Jellyfin and Emby find the HDHomeRun emulation by themselves.
 *
 * It speaks only on the interfaces the HTTP server listens on: a station bound to
 * 127.0.0.1 answers and announces on loopback and nowhere else. LOCATION carries the
 * address of the interface that reaches the client that asked. Only the advertising
 * half of the library is used: NOTIFYs from other devices are ignored (the station never
 * fetches their descriptions), and a malformed packet is dropped, never fatal.
 */
import createSsdp, { type SSDP } from '@achingbrain/ssdp';
import { networkInterfaces } from 'node:os';
import type { Logger } from '../logger.ts';

const GROUP = '239.255.255.250';
export const SSDP_PORT = 1900;
const DEVICE_TYPE = 'urn:schemas-upnp-org:device:MediaServer:1';

export interface SsdpOptions {
  /** The UPnP UDN (deviceUdn), the same one device.xml carries. */
  udn: string;
  /** The address the HTTP server listens on ('0.0.0.0' = every interface). */
  httpHost: string;
  httpPort: number;
  logger: Logger;
  /** UDP port (default 1900); tests may move it. */
  port?: number;
  /** How often to NOTIFY alive (default 30 s). */
  intervalMs?: number;
}

export interface SsdpAdvertiser {
  /** IPv4 addresses answered and announced on. */
  readonly addresses: string[];
  stop(): Promise<void>;
}

interface Iface {
  address: string;
  /** Network prefix length. */
  bits: number;
}

function ipv4Interfaces(): Iface[] {
  return Object.values(networkInterfaces())
    .flatMap((l) => l ?? [])
    .filter((a) => a.family === 'IPv4')
    .map((a) => ({ address: a.address, bits: Number(a.cidr?.split('/')[1] ?? 32), internal: a.internal }))
    .sort((a, b) => Number(a.internal) - Number(b.internal))
    .map(({ address, bits }) => ({ address, bits }));
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, p) => (n << 8) + Number(p), 0) >>> 0;
}

function sameSubnet(a: string, b: Iface): boolean {
  const mask = b.bits === 0 ? 0 : (0xffffffff << (32 - b.bits)) >>> 0;
  return ((toInt(a) & mask) >>> 0) === ((toInt(b.address) & mask) >>> 0);
}

const isLoopback = (host: string): boolean => /^127\./.test(host) || host === 'localhost' || host === '::1';

/** The interfaces to speak on, for an HTTP server listening on `httpHost`; empty when SSDP cannot serve it. */
export function ssdpInterfaces(httpHost: string): Iface[] {
  const all = ipv4Interfaces();
  if (httpHost === '0.0.0.0' || httpHost === '::') return all.filter((i) => !isLoopback(i.address));
  if (isLoopback(httpHost)) return [{ address: '127.0.0.1', bits: 8 }];
  return all.filter((i) => i.address === httpHost);
}

/** Start answering M-SEARCH and announcing; resolves once the socket is bound. */
export async function startSsdp(opts: SsdpOptions): Promise<SsdpAdvertiser> {
  const ifaces = ssdpInterfaces(opts.httpHost);
  if (ifaces.length === 0) throw new Error(`SSDP has no IPv4 interface for ${opts.httpHost}; listen on 0.0.0.0 or an IPv4 address, or turn SSDP off (--no-ssdp).`);
  const port = opts.port ?? SSDP_PORT;
  const bus: SSDP = await createSsdp({
    udn: opts.udn,
    signature: 'RetroVue/0.1 UPnP/1.0 HDHomeRun/1.0',
    start: false,
    sockets: [{ type: 'udp4', bind: { address: '0.0.0.0', port }, broadcast: { address: GROUP, port }, maxHops: 2 }],
  });
  bus.on('error', (err) => opts.logger.debug({ err }, 'ssdp'));
  await bus.start();
  const socket = bus.sockets[0];
  if (!socket) throw new Error('SSDP could not open its UDP socket.');
  // The library joined the group on the default interface; speak on exactly ours instead.
  try {
    socket.dropMembership(GROUP, '0.0.0.0');
  } catch {
    // Not joined there (no default multicast route): nothing to undo.
  }
  const joined: string[] = [];
  for (const i of ifaces) {
    try {
      socket.addMembership(GROUP, i.address);
      joined.push(i.address);
    } catch (err) {
      opts.logger.warn({ err, address: i.address }, 'SSDP cannot join the multicast group on this interface; clients there can still add the tuner by address');
    }
  }
  const first = ifaces[0] as Iface;
  const loopbackOnly = ifaces.every((i) => isLoopback(i.address));
  socket.setMulticastInterface(first.address);

  // Where the client that is being answered can reach us; null outside an answer (NOTIFY).
  let asking: string | null = null;
  const addressFor = (remote: string | null): string => {
    if (remote === null) return first.address;
    return (ifaces.find((i) => i.address === remote) ?? ifaces.find((i) => sameSubnet(remote, i)) ?? first).address;
  };
  // The library's own handlers, re-run inside a guard (it throws on an unknown message type).
  const emitter = bus as unknown as NodeJS.EventEmitter;
  const inbound = emitter.listeners('transport:incoming-message') as Array<(buf: Buffer, from: { address: string; port: number }) => void>;
  emitter.removeAllListeners('transport:incoming-message');
  // Advertise only: never resolve (HTTP-fetch) other devices' descriptions.
  emitter.removeAllListeners('ssdp:notify');
  emitter.removeAllListeners('ssdp:search-response');
  bus.on('transport:incoming-message', (buf, from) => {
    // A station that listens on loopback only answers nobody else.
    if (loopbackOnly && !isLoopback(from.address)) return;
    asking = from.address;
    try {
      for (const handle of inbound) handle(buf, from);
    } catch (err) {
      opts.logger.debug({ err, from: from.address }, 'ignored a malformed SSDP packet');
    } finally {
      asking = null;
    }
  });

  // Read at send time by the library (the answer is sent synchronously within the handler above).
  class Location {
    get udp4(): string {
      return `http://${addressFor(asking)}:${opts.httpPort}/device.xml`;
    }
    get udp6(): string {
      return '';
    }
  }
  const interval = opts.intervalMs ?? 30_000;
  const details = {};
  const adverts = await Promise.all(
    ['upnp:rootdevice', DEVICE_TYPE].map((usn) => bus.advertise({ usn, location: new Location() as unknown as { udp4: string; udp6: string }, details, interval, ipv6: false })),
  );
  opts.logger.info({ addresses: joined, port }, 'SSDP: announcing the HDHomeRun tuner');
  let stopped = false;
  return {
    addresses: joined,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled(adverts.map((a) => a.stop()));
      await bus.stop();
    },
  };
}
