/**
 * The station without Electron: library, schedule, channels and the LAN HTTP server
 * (streams, M3U, API and the console). `npm start` runs this when Electron is absent,
 * `retrovue serve` always does, and the Electron main process wraps it.
 */
import { resourcesDir } from './config/resources.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MasterClock } from './clock/master-clock.ts';
import { createDemoStation, type DemoProgress } from './demo/demo-station.ts';
import type { DemoItem } from './media/demo-media.ts';
import { removeRunningStation, writeRunningStation, type RunningStationInfo } from './config/running-station.ts';
import { loadOrCreateToken } from './http/control-token.ts';
import { deviceUdn, loadOrCreateDeviceId } from './http/hdhomerun-device-id.ts';
import { DEFAULT_TUNER_COUNT } from './http/tuner-limit.ts';
import { startSsdp, type SsdpAdvertiser } from './http/ssdp-advertiser.ts';
import type { GuideData } from './http/iptv-routes.ts';
import { ProgramInfoReader } from './library/program-info.ts';
import { createHttpServer } from './http/http-server.ts';
import { silentLogger, type Logger } from './logger.ts';
import { createPlayoutFactory } from './runtime/producer-factory.ts';
import { DEFAULT_PROFILE, type OutputProfile } from './runtime/producer/output-profile.ts';
import { SqliteDirectorStore } from './runtime/director-store.ts';
import { ProgramDirector } from './runtime/program-director.ts';
import { ScheduleService } from './schedule/schedule-service.ts';
import { openStation, type Station } from './station.ts';
import { AsRunLogger } from './asrun/asrun-logger.ts';
import { AsRunStore } from './asrun/asrun-store.ts';
import { createMetrics } from './monitoring/metrics.ts';
import { StationMonitor } from './monitoring/station-monitor.ts';
import { HlsSessions } from './runtime/hls/hls-sessions.ts';
import { resolveFfmpegBinaries } from './media/ffmpeg-binaries.ts';
import { listVideoEncoders, measureEncodeSpeed } from './media/video-encoders.ts';
import { describeProfile, parseStoredSpec, resolveProfile } from './runtime/producer/output-spec.ts';
import { ScanJob } from './library/scan-job.ts';
import { extractPosterFrame } from './media/poster-frame.ts';

export interface HeadlessOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /** Create the demo station when the data directory has no channels (default true). */
  demo?: boolean;
  /** Custom demo library (tests use a tiny one). */
  demoItems?: DemoItem[];
  onDemoProgress?: DemoProgress;
  clock?: MasterClock;
  logger?: Logger;
  lingerMs?: number;
  /** Honour X-Forwarded-Proto/Host (behind a reverse proxy): true, or the proxy's address. */
  trustProxy?: boolean | string;
  /** Encode a test pattern at each channel profile after start and warn about any that cannot keep up (default false). */
  encoderSelfTest?: boolean;
  /** Keep the as-run log (default true; off only to measure what it costs). */
  asRun?: boolean;
  profile?: OutputProfile;
  consoleDir?: string | null;
  /** Distinct channels on air for viewers at once (the HDHomeRun TunerCount; default 4). */
  tuners?: number;
  /** Announce the HDHomeRun tuner over SSDP on the interfaces HTTP listens on (default true). */
  ssdp?: boolean;
}

export interface RunningStation {
  url: string;
  m3uUrl: string;
  /** The control token (the `control-token` file in the data directory). */
  token: string;
  /** The console with the token, for the operator to open: `${url}/?token=…`. */
  controlUrl: string;
  station: Station;
  director: ProgramDirector;
  schedule: ScheduleService;
  monitor: StationMonitor;
  asRun: AsRunLogger;
  /** The encoder self-test's findings (empty when it is off). */
  encoderSelfTest: Promise<EncoderSelfTestResult[]>;
  /** The console's library scans (one at a time). */
  scans: ScanJob;
  stop(): Promise<void>;
}

export interface EncoderSelfTestResult {
  channels: number[];
  profile: string;
  /** Multiple of real time; null when the encoder could not run at all. */
  speed: number | null;
  error?: string;
}

/** Real time needs headroom: decoders and the station share the machine with the encoder. */
const MIN_SELF_TEST_SPEED = 1.2;

/** One short encode per distinct profile of the enabled channels, one at a time, after start. */
async function encoderSelfTest(station: Station, base: OutputProfile, logger: Logger, encoders: ReadonlySet<string>): Promise<EncoderSelfTestResult[]> {
  const binaries = resolveFfmpegBinaries();
  const groups = new Map<string, { profile: OutputProfile; channels: number[] }>();
  for (const c of station.channels.list().filter((x) => x.enabled)) {
    let p = resolveProfile(parseStoredSpec(c.outputProfile), base);
    if (p.encoder && p.encoder !== 'libx264' && !encoders.has(p.encoder)) p = { ...p, encoder: 'libx264' };
    const key = describeProfile(p);
    const g = groups.get(key) ?? { profile: p, channels: [] };
    g.channels.push(c.number);
    groups.set(key, g);
  }
  const out: EncoderSelfTestResult[] = [];
  for (const [key, g] of groups) {
    const who = `channel${g.channels.length > 1 ? 's' : ''} ${g.channels.join(', ')}`;
    try {
      const speed = await measureEncodeSpeed(g.profile, { binaries, clock: station.clock });
      out.push({ channels: g.channels, profile: key, speed });
      if (speed < MIN_SELF_TEST_SPEED) {
        logger.warn({ channels: g.channels, profile: key, speed: Number(speed.toFixed(2)) }, `${who}: ${key} encodes at ${speed.toFixed(2)}× real time on this machine (needs ${MIN_SELF_TEST_SPEED}×); viewers will see stalls. Choose a lower resolution or frame rate, a lower bitrate or a faster preset in the station file.`);
      } else logger.info({ channels: g.channels, profile: key, speed: Number(speed.toFixed(2)) }, `${who}: ${key} encodes at ${speed.toFixed(1)}× real time`);
    } catch (err) {
      out.push({ channels: g.channels, profile: key, speed: null, error: (err as Error).message });
      logger.warn({ channels: g.channels, profile: key, err: (err as Error).message }, `${who}: ${key} cannot be encoded here; check the station file's output`);
    }
  }
  return out;
}

export function defaultConsoleDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const p of [path.resolve(here, '../../out/renderer'), path.resolve(here, '../renderer')]) {
    if (existsSync(path.join(p, 'index.html'))) return p;
  }
  return null;
}

/** The demo and a LAN station default to 640x360: real-time x264 on a small machine. */
export const STATION_PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 640, height: 360, videoBitrateKbps: 1200 };

interface EditTarget {
  station: Station;
  schedule: ScheduleService;
  director: ProgramDirector;
  logger: Logger;
}

/**
 * Edits made by other processes (the CLI: scans, channel changes, station imports) take
 * effect without a restart. SQLite's data_version changes only when another connection
 * commits; once it has been quiet for a tick, the schedule is reloaded and rebuilt (the
 * locked window still holds) and the channels are brought in line.
 */
function watchForEdits({ station, schedule, director, logger }: EditTarget, everyMs = 3000): () => void {
  const version = (): number => station.database.sqlite.pragma('data_version', { simple: true }) as number;
  let seen = version();
  let pending = false;
  let busy = false;
  return station.clock.every(everyMs, () => {
    const v = version();
    if (v !== seen) {
      seen = v;
      pending = true;
      return;
    }
    if (!pending || busy) return;
    pending = false;
    busy = true;
    void (async () => {
      schedule.reload();
      await schedule.buildHorizon();
      await director.syncChannels(station.channels.list());
      logger.info('applied edits made outside the station');
    })()
      .catch((err: unknown) => logger.error({ err }, 'could not apply outside edits'))
      .finally(() => (busy = false));
  });
}

export async function startHeadlessStation(opts: HeadlessOptions): Promise<RunningStation> {
  const logger = opts.logger ?? silentLogger();
  const station = openStation({ dataDir: opts.dataDir, clock: opts.clock, logger });
  try {
    if (opts.demo !== false && station.channels.list().length === 0) {
      await createDemoStation(station, { items: opts.demoItems, onProgress: opts.onDemoProgress });
    }
    const schedule = new ScheduleService({ db: station.db, clock: station.clock, logger });
    await schedule.start();
    const token = loadOrCreateToken(opts.dataDir);
    const logDir = path.join(opts.dataDir, 'logs');
    const asRunStore = new AsRunStore(station.db);
    const asRun = new AsRunLogger({ store: asRunStore, schedule, clock: station.clock, logger });
    let monitor: StationMonitor | null = null;
    const videoEncoders = listVideoEncoders(resolveFfmpegBinaries());
    // The stored mode is loaded here, so every channel starts in it before the first viewer can arrive.
    const director = new ProgramDirector({
      videoEncoders,
      store: new SqliteDirectorStore(station.db),
      clock: station.clock,
      schedule,
      profile: opts.profile ?? STATION_PROFILE,
      playout: createPlayoutFactory({ clock: station.clock, logDir }),
      logger,
      lingerMs: opts.lingerMs,
      defaultLogo: resourcesDir('branding/logo-bug.png'),
      onAir: (channel, e) => {
        if (opts.asRun !== false) asRun.record(channel, e);
        monitor?.record(channel, e);
      },
    });
    monitor = new StationMonitor({ director, clock: station.clock, logDir });
    monitor.start();
    const channelDays = () =>
      director.channels().map((c) => ({ number: c.number, timezone: c.timezone, broadcastDayStart: schedule.channelInfo(c.number)?.broadcastDayStart ?? '06:00' }));
    director.loadChannels(station.channels.list());
    const hls = new HlsSessions({ director, clock: station.clock, logger });
    const hdhomerun = { deviceId: loadOrCreateDeviceId(opts.dataDir), tunerCount: opts.tuners ?? DEFAULT_TUNER_COUNT };
    const programs = new ProgramInfoReader(station.db);
    const guide: GuideData = {
      looks: () => new Map(station.channels.list().map((c) => [c.number, { logo: c.logo, group: c.groupName, language: c.language }])),
      programs: (ids) => programs.get(ids),
    };
    // Writes made in this process do not move SQLite's data_version, so the edit watcher
    // never sees them: a scan or a channel switch from the console applies itself.
    const scans = new ScanJob({
      scanner: station.scanner, library: station.library, clock: station.clock, logger,
      afterScan: async () => {
        schedule.reload();
        await schedule.buildHorizon();
        await director.syncChannels(station.channels.list());
      },
    });
    const hasChannel = (n: number): boolean => director.manager(n) !== undefined;
    const http = await createHttpServer({
      director, schedule, clock: station.clock, logger, controlToken: token, consoleDir: opts.consoleDir === undefined ? defaultConsoleDir() : opts.consoleDir, hdhomerun, guide,
      monitoring: { monitor, metrics: createMetrics(monitor), director, scans },
      hls,
      library: { library: station.library, scans },
      channelControl: {
        has: hasChannel,
        setEnabled: async (n, enabled) => {
          station.channels.setEnabled(n, enabled);
          await director.syncChannels(station.channels.list());
        },
      },
      posters: { schedule, clock: station.clock, has: hasChannel, extract: (file, offsetMs) => extractPosterFrame(file, offsetMs) },
      asRun: { store: asRunStore, clock: station.clock, channels: channelDays, playlog: (n, a, b) => schedule.playlog(n, a, b) },
    });
    await http.listen({ host: opts.host ?? '0.0.0.0', port: opts.port ?? 8410 });
    const addr = http.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8410);
    const host = !opts.host || opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const info: RunningStationInfo = { url, port, pid: process.pid };
    try {
      writeRunningStation(opts.dataDir, info);
    } catch (err) {
      monitor.stop();
      await director.shutdown();
      asRun.stop();
      await http.close();
      throw new Error(`Cannot write ${opts.dataDir}/station.json (${(err as Error).message}); check the data directory's permissions.`);
    }
    let ssdp: SsdpAdvertiser | null = null;
    if (opts.ssdp !== false) {
      // Discovery is a convenience: without it clients can still add the tuner by address.
      ssdp = await startSsdp({ udn: deviceUdn(hdhomerun.deviceId), httpHost: opts.host ?? '0.0.0.0', httpPort: port, logger }).catch((err: unknown) => {
        logger.warn({ err }, `SSDP is off: Plex, Jellyfin and Emby will not find the tuner by themselves; add it by address (http://<station>:${port})`);
        return null;
      });
    }
    const stopWatching = watchForEdits({ station, schedule, director, logger });
    const selfTest = opts.encoderSelfTest ? encoderSelfTest(station, opts.profile ?? STATION_PROFILE, logger, videoEncoders).catch(() => []) : Promise.resolve([]);
    let stopped = false;
    return {
      url,
      m3uUrl: `${url}/iptv/channels.m3u`,
      token,
      controlUrl: `${url}/?token=${token}`,
      station,
      director,
      schedule,
      monitor,
      asRun,
      scans,
      encoderSelfTest: selfTest,
      async stop() {
        if (stopped) return;
        stopped = true;
        removeRunningStation(opts.dataDir, info);
        stopWatching();
        // A scan writes the library to the end; the database must still be open then.
        await scans.idle();
        await ssdp?.stop();
        schedule.stop();
        monitor!.stop();
        hls.close();
        await director.shutdown();
        // Off air now: every entry is closed; write them before the database closes.
        asRun.stop();
        await http.close();
        station.close();
      },
    };
  } catch (err) {
    station.close();
    throw err;
  }
}
