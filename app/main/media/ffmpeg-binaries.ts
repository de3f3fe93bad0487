/**
 * The one place that decides which ffmpeg and ffprobe binaries RetroVue runs.
 *
 * Order: explicit setting (argument or RETROVUE_FFMPEG / RETROVUE_FFPROBE) →
 * ffmpeg-static when its download succeeded → the system's binary on PATH →
 * the binaries shipped inside @ffmpeg-installer / @ffprobe-installer.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { outsideAsar } from '../config/asar-path.ts';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

const require = createRequire(import.meta.url);

function isExecutable(file: string | undefined | null): file is string {
  if (!file) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromPackage(load: () => unknown): string | undefined {
  try {
    const mod = load() as string | { path?: string } | null;
    const found = typeof mod === 'string' ? mod : mod?.path;
    // A packaged app's binaries run from app.asar.unpacked: nothing can execute inside app.asar.
    const p = found ? outsideAsar(found) : undefined;
    return p && existsSync(p) && isExecutable(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

let cached: FfmpegBinaries | undefined;

export function resolveFfmpegBinaries(overrides: Partial<FfmpegBinaries> = {}): FfmpegBinaries {
  const explicitFfmpeg = overrides.ffmpeg ?? process.env.RETROVUE_FFMPEG;
  const explicitFfprobe = overrides.ffprobe ?? process.env.RETROVUE_FFPROBE;
  if (!explicitFfmpeg && !explicitFfprobe && cached) return cached;

  const ffmpeg =
    explicitFfmpeg ??
    fromPackage(() => require('ffmpeg-static')) ??
    onPath('ffmpeg') ??
    fromPackage(() => require('@ffmpeg-installer/ffmpeg'));
  const ffprobe =
    explicitFfprobe ?? onPath('ffprobe') ?? fromPackage(() => require('@ffprobe-installer/ffprobe'));

  if (!ffmpeg || !isExecutable(ffmpeg)) {
    throw new Error(
      `No usable ffmpeg binary${explicitFfmpeg ? ` at ${explicitFfmpeg}` : ''}. Install ffmpeg (e.g. apt-get install ffmpeg) or set RETROVUE_FFMPEG to its path.`,
    );
  }
  if (!ffprobe || !isExecutable(ffprobe)) {
    throw new Error(
      `No usable ffprobe binary${explicitFfprobe ? ` at ${explicitFfprobe}` : ''}. Install ffmpeg (which ships ffprobe) or set RETROVUE_FFPROBE to its path.`,
    );
  }
  const result = { ffmpeg, ffprobe };
  if (!explicitFfmpeg && !explicitFfprobe) cached = result;
  return result;
}
