/**
 * A small real station for fault tests: generated lavfi clips in a looping channel,
 * served in-process by the headless station at 320x180, with its log captured so a
 * test can check what the station said.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { SystemClock } from '../clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import type { Logger } from '../logger.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { DEFAULT_PROFILE, type OutputProfile } from '../runtime/producer/output-profile.ts';
import { openStation } from '../station.ts';
import { makeNoiseClip } from './noise-clip.ts';

export const FAULT_PROFILE: OutputProfile = { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 600 };
export const FAULT_FPS = 30;

const clock = new SystemClock();

export interface ClipSpec {
  /** File name inside the loop collection; the loop airs files in name order. */
  name: string;
  seconds: number;
  /** Added to the frame number drawn, to tell clips apart on screen. */
  numberOffset?: number;
  /** Moving noise instead of frame numbers (the encoder then spends its whole bitrate). */
  noise?: boolean;
}

export interface LoopStation {
  data: string;
  media: string;
  /** Absolute path of each clip, by name. */
  files: Record<string, string>;
  /** Station time the loop started from. */
  epochMs: number;
}

/** Make the clips and a station whose channel `number` loops them from `epochMs`. */
export async function buildLoopStation(dir: string, clips: ClipSpec[], opts: { number?: number; epochMs?: number; data?: string } = {}): Promise<LoopStation> {
  const media = path.join(dir, 'media');
  const loop = path.join(media, 'loop');
  mkdirSync(loop, { recursive: true });
  const files: Record<string, string> = {};
  await Promise.all(
    clips.map(async (c) => {
      const file = path.join(loop, c.name);
      files[c.name] = c.noise ? await makeNoiseClip(file, c.seconds) : await makeFrameNumberedClip(file, { seconds: c.seconds, numberOffset: c.numberOffset ?? 0, width: 320, height: 180 });
    }),
  );
  const data = opts.data ?? path.join(dir, 'data');
  const epochMs = opts.epochMs ?? clock.nowMs() - 60_000;
  const st = openStation({ dataDir: data });
  try {
    st.library.addSource('faults', media);
    await st.scanner.scan('faults');
    st.channels.addLoop({ number: opts.number ?? 1, name: 'Faults', collection: 'loop', startMs: epochMs, timezone: 'UTC' });
  } finally {
    st.close();
  }
  return { data, media, files, epochMs };
}

/** A logger that keeps every line (JSON, as the station would print it). */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'info', base: undefined }, { write: (s: string) => void lines.push(s.trimEnd()) });
  return { logger, lines };
}

export interface FaultStation {
  running: RunningStation;
  base: string;
  /** Station log lines so far. */
  log: string[];
  stop(): Promise<void>;
}

/** Serve `data` in this process on a free port. */
export async function startFaultStation(data: string, opts: { lingerMs?: number; consoleDir?: string | null; profile?: OutputProfile } = {}): Promise<FaultStation> {
  const { logger, lines } = capturingLogger();
  const running = await startHeadlessStation({
    dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: opts.lingerMs ?? 0, consoleDir: opts.consoleDir ?? null, profile: opts.profile ?? FAULT_PROFILE, logger,
  });
  return { running, base: running.url, log: lines, stop: () => running.stop() };
}
