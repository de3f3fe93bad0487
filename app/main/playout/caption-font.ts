/**
 * Finds a TrueType font for captions: the DejaVu Sans shipped in resources/fonts
 * (so slates look the same everywhere), else a system font. No font → slates and
 * test clips are drawn without text.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { resourcesDir } from '../config/resources.ts';

function shippedCandidates(): string[] {
  const shipped = resourcesDir('fonts/DejaVuSans.ttf');
  return [process.env.RETROVUE_FONT, shipped].filter((f): f is string => Boolean(f));
}

const SYSTEM = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
];

let cached: string | null | undefined;

function scan(dir: string, depth: number): string | null {
  if (depth < 0) return null;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) if (e.isFile() && /\.ttf$/i.test(e.name)) return path.join(dir, e.name);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const found = scan(path.join(dir, e.name), depth - 1);
    if (found) return found;
  }
  return null;
}

/** Path of a usable .ttf, or null. Looked up once. */
export function findCaptionFont(): string | null {
  if (cached !== undefined) return cached;
  cached = [...shippedCandidates(), ...SYSTEM].find((f) => existsSync(f)) ?? scan('/usr/share/fonts', 3);
  return cached;
}
