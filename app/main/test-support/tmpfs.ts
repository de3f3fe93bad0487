/** Small tmpfs mounts for storage faults; they need root, so callers skip (with a message) without one. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Mount a tmpfs of `size` (e.g. "8m") at `dir`; false when that is not allowed here. */
export function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

/** Take every byte left on the file system holding `dir` (files named fill-*). */
export function fillDisk(dir: string): void {
  for (let size = 64 << 20; size >= 512; size >>= 1) {
    for (;;) {
      try {
        writeFileSync(path.join(dir, `fill-${size}-${Math.random().toString(36).slice(2)}`), Buffer.alloc(size));
      } catch {
        break; // ENOSPC at this size: try a smaller one
      }
    }
  }
}

export function freeDisk(dir: string): void {
  for (const f of readdirSync(dir)) if (f.startsWith('fill-')) rmSync(path.join(dir, f), { force: true });
}
