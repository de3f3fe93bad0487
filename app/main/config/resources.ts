/** Finds the shipped resources/ folder, from the source tree, beside a built bundle, or the working directory. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { outsideAsar } from './asar-path.ts';

function roots(): string[] {
  const out: string[] = [];
  try {
    const here = path.dirname(fileURLToPath(import.meta.url));
    // Source layout (app/main/config) and bundled layouts (out/main, out/main/chunks).
    for (const up of ['../../..', '../..', '..', '../../../..']) out.push(path.resolve(here, up, 'resources'));
  } catch {
    // import.meta.url is not a file URL in some bundles; fall through.
  }
  out.push(path.resolve(process.cwd(), 'resources'));
  return out;
}

/** A folder or file under resources/, or null when it is not shipped. Readable by ffmpeg too (see asar-path.ts). */
export function resourcesDir(sub: string): string | null {
  for (const root of roots()) {
    const p = path.join(root, sub);
    if (existsSync(p)) return outsideAsar(p);
  }
  return null;
}
