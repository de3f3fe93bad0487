/**
 * `retrovue emergency|mode|director` against a real headless station run in this process
 * (SQLite, HTTP on 127.0.0.1, its channels off air): the CLI finds the station through
 * station.json, authenticates with the control-token file, and reports what switched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DirectorStateDto, ModeSwitchResult } from '../../shared/types.ts';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { runCli } from './cli.ts';

/** Run the CLI in this process; returns its exit code and what it wrote. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const ALERT = 'Severe thunderstorm warning until 9 PM.';

describe('retrovue emergency / mode / director', () => {
  const tmp = makeTempDir();
  const data = path.join(tmp.dir, 'data');
  let running: RunningStation | null = null;

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media', 'loop');
    mkdirSync(media, { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 2, width: 160, height: 90 });
    const st = openStation({ dataDir: data });
    st.library.addSource('t', path.join(tmp.dir, 'media'));
    await st.scanner.scan('t');
    for (const number of [1, 2, 3]) st.channels.addLoop({ number, name: `Ch ${number}`, collection: 'loop', timezone: 'UTC' });
    st.close();
    running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null });
  });
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  const state = async (): Promise<DirectorStateDto> => (await (await fetch(`${running!.url}/api/director`)).json()) as DirectorStateDto;

  it('emergency on airs the message on the channels asked for, and says which switched', async () => {
    const r = await cli(['--data', data, 'emergency', 'on', '--message', ALERT, '--style', 'crawl', '--channels', '1,3', '--reason', 'NWS']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Switched channels 1, 3\.\n/);
    expect(r.stdout).toContain(`Message:  ${ALERT}`);
    expect(await state()).toMatchObject({ mode: 'emergency', message: ALERT, style: 'crawl', channels: [1, 3], reason: 'NWS' });
    expect((await state()).by).toMatch(/^cli .+ \(http 127\.0\.0\.1\)$/);
    expect(running!.director.statuses((n) => `${n}`).map((s) => [s.number, s.mode])).toEqual([[1, 'emergency'], [2, 'normal'], [3, 'emergency']]);
    expect(running!.director.manager(1)!.runtimeStatus().mode).toBe('emergency');
    expect(running!.director.manager(2)!.runtimeStatus().mode).toBe('normal');
  });

  it('director shows the state (text and --json) and the log with --history', async () => {
    const text = await cli(['--data', data, 'director', '--history', '5']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Mode:\s+emergency on channels 1, 3/);
    expect(text.stdout).toMatch(/NWS/);
    const json = await cli(['--data', data, '--json', 'director']);
    expect(JSON.parse(json.stdout)).toEqual(await state());
  });

  it('emergency off and mode guide switch every channel; --json prints the result', async () => {
    const off = await cli(['--data', data, 'emergency', 'off']);
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/^Switched channels 1, 3\./);
    expect((await state()).mode).toBe('normal');
    const guide = await cli(['--data', data, '--json', 'mode', 'guide', '--reason', 'overnight']);
    expect(guide.code).toBe(0);
    const result = JSON.parse(guide.stdout) as ModeSwitchResult;
    expect(result.ok).toBe(true);
    expect(result.channels.map((c) => c.number)).toEqual([1, 2, 3]);
    expect(result.state).toMatchObject({ mode: 'guide', reason: 'overnight', channels: null });
    expect(running!.director.statuses((n) => `${n}`).every((s) => s.mode === 'guide')).toBe(true);
    expect((await cli(['--data', data, 'mode', 'normal'])).code).toBe(0);
    expect((await state()).mode).toBe('normal');
    const again = await cli(['--data', data, 'mode', 'normal']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to switch: the station was already in that mode\./);
  });

  it('refusals exit non-zero with the reason: bad input, a wrong token, an unknown channel', async () => {
    const cases: [string[], RegExp][] = [
      [['emergency', 'on', '--message', ALERT, '--channels', '1,9'], /body 'channels': There is no channel 9/],
      [['emergency', 'on', '--message', ALERT, '--style', 'scroll'], /--style must be takeover or crawl/],
      [['mode', 'emergency'], /use 'retrovue emergency on --message TEXT'/],
      [['mode', 'party'], /mode must be one of guide, maintenance, normal/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(['--data', data, ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(pattern);
    }
    // A token that is not the station's: 401 from the station, nothing changes.
    const tokenFile = path.join(data, 'control-token');
    const { readFileSync } = await import('node:fs');
    const real = readFileSync(tokenFile, 'utf8');
    writeFileSync(tokenFile, 'A'.repeat(43) + '\n', { mode: 0o600 });
    try {
      const r = await cli(['--data', data, 'emergency', 'on', '--message', ALERT]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/refused the control token \(That control token is wrong\.\)/);
    } finally {
      writeFileSync(tokenFile, real, { mode: 0o600 });
    }
    expect((await state()).mode).toBe('normal');
  });

  it('a channel that cannot switch: exit non-zero, the channel named, every channel back', async () => {
    const three = running!.director.manager(3)!;
    const spy = vi.spyOn(three, 'setMode').mockImplementationOnce(async () => {
      throw new Error('the cut did not land');
    });
    try {
      const r = await cli(['--data', data, 'mode', 'maintenance']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Channel 3 could not switch: the cut did not land/);
      expect(r.stderr).toMatch(/channel 3 could not switch to maintenance/);
      expect(r.stderr).toMatch(/Every channel is back in normal mode/);
    } finally {
      spy.mockRestore();
    }
    expect((await state()).mode).toBe('normal');
    expect(running!.director.statuses((n) => `${n}`).every((s) => s.mode === 'normal')).toBe(true);
    for (const n of [1, 2, 3]) expect(running!.director.manager(n)!.runtimeStatus().mode).toBe('normal');
  });

  it('no station running: a clear error, for a missing station.json and for a stale one', async () => {
    const empty = path.join(tmp.dir, 'empty');
    mkdirSync(empty);
    const r = await cli(['--data', empty, 'emergency', 'off']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`retrovue: no station is running on ${empty}: start it with npm start (or retrovue serve), or pass the station's --data directory.\n`);
    // Left behind by a station that was killed: nothing listens there any more.
    const stale = path.join(tmp.dir, 'stale');
    mkdirSync(stale);
    const probe = await import('node:net').then((net) => net.createServer());
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    writeFileSync(path.join(stale, 'station.json'), JSON.stringify({ url: `http://127.0.0.1:${port}`, port, pid: 999_999 }));
    const s = await cli(['--data', stale, 'director']);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/^retrovue: no station is running on .*stale: start it with npm start/);
  });
});
