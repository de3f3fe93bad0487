/**
 * `retrovue serve` as a real process: it prints its URLs, serves a channel, and leaves no
 * ffmpeg behind when it is stopped (SIGTERM) or killed outright (SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { processAlive, watchStream } from '../test-support/watch-stream.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/retrovue.mjs');
const clock = new SystemClock();

/** Every live descendant of `root` (by walking /proc parent links). */
function descendants(root: number): { pid: number; comm: string }[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      parent.set(Number(d), Number(fields[1]));
      comm.set(Number(d), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {
      /* gone */
    }
  }
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number): void => {
    for (const [c, pp] of parent) {
      if (pp !== p) continue;
      out.push({ pid: c, comm: comm.get(c) ?? '' });
      walk(c);
    }
  };
  walk(root);
  return out;
}


async function startServe(data: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, '--data', data, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-demo', '--linger', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 200 && !/Console:\s+(\S+)/.test(out); i++) await clock.sleep(100);
  const url = /Console:\s+(\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`serve did not print its URL: ${out}`);
  return { child, url };
}


describe('retrovue serve owns its processes', () => {
  const tmp = makeTempDir();
  const data = path.join(tmp.dir, 'data');

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media', 'loop');
    mkdirSync(media, { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 20 });
    const st = openStation({ dataDir: data });
    st.library.addSource('t', path.join(tmp.dir, 'media'));
    await st.scanner.scan('t');
    st.channels.addLoop({ number: 7, name: 'Seven', collection: 'loop', timezone: 'UTC' });
    st.close();
  });
  afterAll(() => tmp.cleanup());

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`no ffmpeg survives the station being stopped with ${signal}`, async () => {
      const { child, url } = await startServe(data);
      try {
        expect((await watchStream(`${url}/iptv/channel/7.ts`, 1500)).body.length).toBeGreaterThan(10_000);
        const ffmpegs = descendants(child.pid!).filter((p) => p.comm.startsWith('ffmpeg'));
        expect(ffmpegs.length, 'the lingering channel still has its encoder and decoder').toBeGreaterThanOrEqual(1);
        expect(ffmpegs.length).toBeLessThanOrEqual(3);
        child.kill(signal);
        for (let i = 0; i < 50 && (processAlive(child.pid!) || ffmpegs.some((p) => processAlive(p.pid))); i++) await clock.sleep(100);
        expect(ffmpegs.filter((p) => processAlive(p.pid))).toEqual([]);
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});
