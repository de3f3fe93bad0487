/**
 * Paths for other processes. In a packaged desktop app the code and resources sit inside
 * app.asar, which only Electron's own file functions can read; ffmpeg cannot. Whatever is
 * handed to ffmpeg (its binary, fonts) is packaged unpacked as well, next to it in
 * app.asar.unpacked, and this maps a path to that copy.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** `p` with its app.asar folder replaced by app.asar.unpacked, when that copy exists; else `p`. */
export function outsideAsar(p: string): string {
  const marker = `${path.sep}app.asar${path.sep}`;
  const i = p.indexOf(marker);
  if (i < 0) return p;
  const unpacked = `${p.slice(0, i)}${path.sep}app.asar.unpacked${path.sep}${p.slice(i + marker.length)}`;
  return existsSync(unpacked) ? unpacked : p;
}
