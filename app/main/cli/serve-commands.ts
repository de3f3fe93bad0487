/** `serve` (the headless station) and `demo` (create the demo station without serving). */
import { networkInterfaces } from 'node:os';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { createDemoStation, DEMO_PHASE_LABEL, type DemoProgress } from '../demo/demo-station.ts';
import { startHeadlessStation } from '../headless.ts';
import { DEFAULT_TUNER_COUNT } from '../http/tuner-limit.ts';
import { LibraryError } from '../library/library-errors.ts';
import { createLogger } from '../logger.ts';
import { printJson } from './output.ts';
import type { CliContext } from './cli-context.ts';

/** Without a terminal (a service, a pipe) progress is a line per phase and per quarter done. */
function demoProgressLines(): { onProgress: DemoProgress; stop(): void } {
  let last = '';
  return {
    onProgress(p, done, total) {
      const label = DEMO_PHASE_LABEL[p];
      const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
      const key = `${label}|${quarter}`;
      if (key === last) return;
      last = key;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    },
    stop: () => {},
  };
}

function demoProgressBar(enabled: boolean): { onProgress: DemoProgress; stop(): void } {
  if (!enabled) return demoProgressLines();
  const bar = new SingleBar({ format: '{phase} [{bar}] {value}/{total} {detail}', stream: process.stderr, hideCursor: true, clearOnComplete: true });
  let phase = '';
  return {
    onProgress(p, done, total, detail) {
      const label = DEMO_PHASE_LABEL[p];
      if (label !== phase) {
        if (phase) bar.stop();
        bar.start(total, 0, { phase: label, detail: '' });
        phase = label;
      }
      bar.update(done, { phase: label, detail: (detail ?? '').slice(-40) });
    },
    stop: () => phase && bar.stop(),
  };
}

/** The first non-loopback IPv4 address, for the address other devices should use. */
function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new LibraryError(`--port must be a port number from 0 to 65535 (got '${value}').`);
  return n;
}

export function registerServeCommands(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the station headless: streams, M3U, API and the console over HTTP')
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option('--port <port>', 'port to listen on', '8410')
    .option('--no-demo', 'do not create the demo station in an empty data directory')
    .option('--linger <seconds>', 'seconds a channel stays on air after its last viewer leaves', '10')
    .option('--no-ssdp', 'do not announce the station on the LAN (SSDP) for Plex, Jellyfin and Emby')
    .option('--trust-proxy [address]', 'behind a reverse proxy: take X-Forwarded-Proto/Host from it (optionally only from this address)')
    .option('--log-json', 'log JSON lines even in a terminal')
    .option('--no-self-test', "do not test at start whether each channel's output profile encodes in real time")
    .option('--tuners <n>', 'distinct channels on air for viewers at once (the HDHomeRun tuner count)', String(DEFAULT_TUNER_COUNT))
    .action(async (opts: { host: string; port: string; demo: boolean; linger: string; tuners: string; ssdp: boolean; selfTest: boolean; trustProxy?: boolean | string; logJson?: boolean }) => {
      const linger = Number(opts.linger);
      if (!Number.isFinite(linger) || linger < 0) throw new LibraryError(`--linger must be seconds, 0 or more (got '${opts.linger}').`);
      const tuners = Number(opts.tuners);
      if (!/^\d+$/.test(opts.tuners) || tuners < 1 || tuners > 64) throw new LibraryError(`--tuners must be a whole number from 1 to 64 (got '${opts.tuners}').`);
      const bar = demoProgressBar(Boolean(process.stderr.isTTY));
      const running = await startHeadlessStation({
        dataDir: ctx.dataDir(), host: opts.host, port: port(opts.port), demo: opts.demo, lingerMs: linger * 1000, tuners, ssdp: opts.ssdp, encoderSelfTest: opts.selfTest, trustProxy: opts.trustProxy,
        logger: createLogger({ json: opts.logJson ? true : undefined }), onDemoProgress: bar.onProgress,
      }).finally(() => bar.stop());
      const listenPort = new URL(running.url).port;
      const lan = opts.host === '0.0.0.0' || opts.host === '::' ? lanAddress() : null;
      const info = {
        console: running.url, control: running.controlUrl, m3u: running.m3uUrl, xmltv: `${running.url}/iptv/xmltv.xml`,
        lanM3u: lan ? `http://${lan}:${listenPort}/iptv/channels.m3u` : null, dataDir: ctx.dataDir(), channels: running.director.channelNumbers(),
      };
      if (ctx.json()) printJson(info);
      else {
        process.stdout.write(
          `RetroVue is on the air.\n  Console:  ${info.console}\n  Control:  ${info.control}  (the console with the control token: keep it private)\n  M3U:      ${info.m3u}\n` +
            (info.lanM3u ? `  On your LAN (TVs, VLC, Kodi): ${info.lanM3u}\n` : '') +
            `  Data:     ${info.dataDir}\n  Channels: ${info.channels.join(', ') || '(none yet: add a source and a channel)'}\n`,
        );
      }
      await new Promise<void>((resolve) => {
        const shutdown = (): void => {
          process.stderr.write('Signing off…\n');
          void running.stop().then(resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });

  program
    .command('demo')
    .description('create the demo station (generated shows, ads, bumpers, IDs) without serving')
    .action(() =>
      ctx.withStation(async (st) => {
        const bar = demoProgressBar(!ctx.json() && Boolean(process.stderr.isTTY));
        try {
          await createDemoStation(st, { onProgress: bar.onProgress });
        } finally {
          bar.stop();
        }
        const channels = st.channels.list();
        if (ctx.json()) printJson({ dataDir: st.dataDir, channels });
        else process.stdout.write(`Demo station ready in ${st.dataDir}: ${channels.map((c) => `${c.number} ${c.name}`).join(', ')}\n`);
      }),
    );
}
