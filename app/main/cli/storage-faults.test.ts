/**
 * Storage faults: a full disk fails loudly and stores nothing; a read-only folder or an
 * empty database file is refused with what to do.
 * The disk cases run on small tmpfs mounts, which need root; elsewhere they are skipped with a message.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/retrovue.mjs');
const tmp = makeTempDir('retrovue-full-');
const mnt = path.join(tmp.dir, 'mnt');
mkdirSync(mnt);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]).status === 0;
if (!mounted) console.warn('[skip] disk-full tests need to mount a small tmpfs (run as root)');

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe.skipIf(!mounted)('a full disk', () => {
  const data = path.join(mnt, 'data');
  const media = path.join(tmp.dir, 'media');
  const fill = path.join(mnt, 'fill');

  beforeAll(() => {
    mkdirSync(media, { recursive: true });
    openStation({ dataDir: data }).close();
    fillDisk();
  });
  /** Take every byte that is left. */
  function fillDisk(): void {
    for (let size = 4 << 20; size >= 512; size >>= 1) {
      try {
        writeFileSync(fill + size, Buffer.alloc(size), { flag: 'a' });
      } catch {
        // ENOSPC for this size: try a smaller one.
      }
    }
  }
  afterAll(() => {
    spawnSync('umount', [mnt]);
    tmp.cleanup();
  });

  it('a write on a station that is already open throws instead of reporting a row it never stored', () => {
    for (let size = 4 << 20; size >= 512; size >>= 1) rmSync(fill + size, { force: true });
    const st = openStation({ dataDir: data });
    try {
      fillDisk();
      expect(() => st.library.addSource('shows', media)).toThrow(/database or disk is full/);
      for (let size = 4 << 20; size >= 512; size >>= 1) rmSync(fill + size, { force: true });
      expect(st.library.listSources()).toEqual([]);
    } finally {
      st.close();
    }
    fillDisk();
  });

  it('source add fails with a clear line and a non-zero exit, and stores nothing', async () => {
    const r = await cli(['--data', data, 'source', 'add', 'shows', media]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('retrovue: the disk holding the data directory is full; nothing was saved. Free some space and try again.');
    for (let size = 4 << 20; size >= 512; size >>= 1) rmSync(fill + size, { force: true });
    const st = openStation({ dataDir: data });
    try {
      expect(st.library.listSources()).toEqual([]);
    } finally {
      st.close();
    }
  });
});

describe('a data directory that cannot hold a station', () => {
  it('refuses an empty database file and says how to start fresh', () => {
    const dir = makeTempDir('retrovue-empty-');
    try {
      writeFileSync(path.join(dir.dir, 'retrovue.db'), '');
      expect(() => openStation({ dataDir: dir.dir })).toThrow(/retrovue\.db is empty \(0 bytes\), so it holds no station\. Restore it from a backup, or delete it to start a new station\./);
    } finally {
      dir.cleanup();
    }
  });

  const ro = makeTempDir('retrovue-ro-');
  const roMounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro.dir]).status === 0;
  if (!roMounted) console.warn('[skip] the read-only data directory test needs to mount a tmpfs (run as root)');
  afterAll(() => {
    if (roMounted) spawnSync('umount', [ro.dir]);
    ro.cleanup();
  });
  it.skipIf(!roMounted)('names a read-only data directory and what to do, from the CLI too', async () => {
    expect(() => openStation({ dataDir: ro.dir })).toThrow(/is read-only; RetroVue keeps its database there/);
    const r = await cli(['--data', ro.dir, 'channel', 'list']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^retrovue: The data directory .* is read-only; .*choose another --data directory\.\n$/);
  });
});

