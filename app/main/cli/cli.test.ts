import { createRequire } from 'node:module';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/retrovue.mjs');
const { ffmpeg } = resolveFfmpegBinaries();

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('retrovue CLI', () => {
  const tmp = makeTempDir();
  const data = path.join(tmp.dir, 'data');
  const media = path.join(tmp.dir, 'media');

  beforeAll(async () => {
    mkdirSync(path.join(media, 'shows'), { recursive: true });
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=30:duration=2.5', '-f', 'lavfi', '-i', 'sine=duration=2.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', path.join(media, 'shows', 'pilot.mkv')]);
    writeFileSync(path.join(media, 'notes.txt'), 'hello');
  });
  afterAll(() => tmp.cleanup());

  it('adds and scans a source, reporting durations as JSON', async () => {
    const add = await cli(['--data', data, 'source', 'add', 'shows', media]);
    expect(add.code).toBe(0);
    const scan = await cli(['--data', data, 'source', 'scan', 'shows', '--json']);
    expect(scan.code).toBe(0);
    const out = JSON.parse(scan.stdout) as { ready: number; assets: { path: string; durationMs: number; state: string }[] };
    expect(out.ready).toBe(1);
    expect(out.assets[0]?.durationMs).toBeGreaterThanOrEqual(2450);
    expect(out.assets[0]?.durationMs).toBeLessThanOrEqual(2600);
    const list = JSON.parse((await cli(['--data', data, '--json', 'asset', 'list', '--state', 'ready'])).stdout) as unknown[];
    expect(list).toHaveLength(1);
    const cols = JSON.parse((await cli(['--data', data, '--json', 'collection', 'list'])).stdout) as { name: string; readyCount: number }[];
    expect(cols).toEqual([expect.objectContaining({ name: 'shows', readyCount: 1 })]);
  });

  it('errors are one clear line on stderr with a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['source', 'scan', 'nope'], /^retrovue: Unknown source 'nope'\. Known sources: shows\.\n$/],
      [['source', 'add', 'x', path.join(tmp.dir, 'missing')], /^retrovue: Path .*missing does not exist\./],
      [['probe', path.join(media, 'notes.txt')], /^retrovue: .*notes\.txt is not playable media/],
      [['asset', 'show', 'abc'], /^retrovue: asset id must be a whole number/],
      [['asset', 'show', '999'], /^retrovue: No asset with id 999/],
      [['channel', 'add', '--number', '3', '--name', 'X', '--collection', 'nope'], /^retrovue: Unknown collection 'nope'/],
      [['channel', 'add', '--number', '3', '--name', 'X', '--collection', 'shows', '--start', 'yesterday'], /^retrovue: --start must be an ISO-8601 time/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(['--data', data, ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(pattern);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('refuses a database from a newer version, and a locked one', async () => {
    const newer = path.join(tmp.dir, 'newer');
    mkdirSync(newer);
    const db = new Database(path.join(newer, 'retrovue.db'));
    db.pragma('user_version = 999');
    db.close();
    const r = await cli(['--data', newer, 'source', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/written by a newer RetroVue/);

    // Another process holds an exclusive lock on a database (an empty file is refused for its own reason).
    const locked = path.join(tmp.dir, 'locked');
    mkdirSync(locked);
    const holder = spawn(process.execPath, [
      '-e',
      `const D=require(${JSON.stringify(require.resolve('better-sqlite3'))});const d=new D(${JSON.stringify(path.join(locked, 'retrovue.db'))});d.exec('CREATE TABLE held (a)');d.exec('BEGIN EXCLUSIVE');console.log('locked');setTimeout(()=>{},20000);`,
    ]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    try {
      const l = await cli(['--data', locked, 'source', 'list'], { RETROVUE_DB_TIMEOUT_MS: '200' });
      expect(l.code).toBe(1);
      expect(l.stderr).toMatch(/is locked by another process/);
    } finally {
      holder.kill();
    }
  });
});
