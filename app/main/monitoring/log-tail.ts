/**
 * The last lines of a channel's ffmpeg log, for the console and /api. File system paths
 * are cut to their file names: monitoring is open to the LAN, the station's folders are not.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const TAIL_BYTES = 16 * 1024;

/** Absolute paths (POSIX and Windows) become their last component. */
export function redactPaths(line: string): string {
  return line
    .replace(/(?:[A-Za-z]:)?(?:[\\/][^\\/\s'":,]+)+[\\/]([^\\/\s'":,]+)/g, '$1')
    .replace(/file:[^\s'"]*[\\/]([^\\/\s'"]+)/g, '$1');
}

export function tailLines(file: string, lines = 20): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const text = buf.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    // The first line is likely cut in the middle when the file is longer than the window.
    if (size > len) text.shift();
    return text.slice(-lines).map(redactPaths);
  } finally {
    closeSync(fd);
  }
}
