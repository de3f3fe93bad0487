/**
 * As-run and monitoring on a real station: a viewer watches a loop channel over HTTP while
 * /metrics, /api/status, /api/channels/1/health and the /api/events feed are read; then the
 * as-run log is read back as JSON and CSV. Then a station process is killed mid-entry and
 * started again: the open entry is closed as interrupted and nothing else is lost.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelHealthSchema, stationStatusSchema } from '../../shared/status-schema.ts';
import type { AsRunEntryDto, ChannelHealthDto, StationStatusDto } from '../../shared/types.ts';
import { SystemClock } from '../clock/master-clock.ts';
import { openDatabase } from '../db/database.ts';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { DEFAULT_PROFILE } from '../runtime/producer/output-profile.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { LiveViewer } from '../test-support/live-viewer.ts';
import { watchStream } from '../test-support/watch-stream.ts';
import { AsRunStore } from './asrun-store.ts';

const clock = new SystemClock();
const BIN = path.resolve(import.meta.dirname, '../../../bin/retrovue.mjs');

async function makeStation(data: string, media: string): Promise<void> {
  mkdirSync(path.join(media, 'loop'), { recursive: true });
  await makeFrameNumberedClip(path.join(media, 'loop', 'a.mp4'), { seconds: 4, width: 320, height: 180 });
  await makeFrameNumberedClip(path.join(media, 'loop', 'b.mp4'), { seconds: 3, width: 320, height: 180, numberOffset: 1000 });
  const st = openStation({ dataDir: data });
  st.library.addSource('test', media);
  await st.scanner.scan('test');
  st.channels.addLoop({ number: 1, name: 'Frames', collection: 'loop', startMs: clock.nowMs() - 60_000, timezone: 'UTC' });
  st.close();
}

function counter(text: string, name: string, channel: string): number {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const sample = family?.metrics.find((m) => m.labels?.channel === channel);
  return sample ? Number(sample.value) : NaN;
}

/** The first `n` events of a server-sent-events feed. */
function readEvents(url: string, n: number): Promise<{ event: string; data: unknown }[]> {
  return new Promise((resolve, reject) => {
    const out: { event: string; data: unknown }[] = [];
    let buf = '';
    const req = http.get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) out.push({ event, data: JSON.parse(data) });
          if (out.length >= n) {
            req.destroy();
            resolve(out);
            return;
          }
        }
      });
    });
    req.on('error', (e) => (out.length >= n ? undefined : reject(e)));
  });
}

describe('monitoring and as-run on a real station', () => {
  const tmp = makeTempDir('retrovue-asrun-station-');
  const data = path.join(tmp.dir, 'data');
  let running: RunningStation;

  beforeAll(async () => {
    await makeStation(data, path.join(tmp.dir, 'media'));
    running = await startHeadlessStation({
      dataDir: data, host: '127.0.0.1', port: 0, demo: false, lingerMs: 0, consoleDir: null, ssdp: false,
      profile: { ...DEFAULT_PROFILE, width: 320, height: 180, videoBitrateKbps: 500 },
    });
  });
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  it('health, status, the event feed and /metrics move while a viewer watches; the as-run log shows what aired', async () => {
    const base = running.url;
    const watching = watchStream(`${base}/iptv/channel/1.ts`, 6000);
    await clock.sleep(2000);
    const m1 = await (await fetch(`${base}/metrics`)).text();
    running.monitor.sample();
    await clock.sleep(2500);
    running.monitor.sample();
    const m2 = await (await fetch(`${base}/metrics`)).text();
    const health = (await (await fetch(`${base}/api/channels/1/health`)).json()) as ChannelHealthDto;
    const statusRes = await fetch(`${base}/api/status`);
    const statusText = await statusRes.text();
    const events = await readEvents(`${base}/api/events`, 2);
    const watched = await watching;
    expect(watched.body.length).toBeGreaterThan(100_000);

    const bytes = [counter(m1, 'retrovue_output_bytes_total', '1'), counter(m2, 'retrovue_output_bytes_total', '1')];
    const frames = [counter(m1, 'retrovue_frames_produced_total', '1'), counter(m2, 'retrovue_frames_produced_total', '1')];
    console.log(`metrics: output bytes ${bytes.join(' → ')}, frames ${frames.join(' → ')} over 2.5 s; bitrate ${health.bitrateBps} b/s`);
    expect(bytes[1]!).toBeGreaterThan(bytes[0]!);
    expect(frames[1]! - frames[0]!).toBeGreaterThan(50);
    expect(parsePrometheusTextFormat(m2).find((f) => f.name === 'retrovue_output_bytes_total')?.type).toBe('COUNTER');
    expect(counter(m2, 'retrovue_channel_viewers', '1')).toBe(1);

    expect(health.producerKind).toBe('asset');
    expect(health.onAirSince).not.toBeNull();
    expect(health.viewers).toHaveLength(1);
    expect(health.viewers[0]!.address).toBe('127.0.0.1');
    expect(health.viewers[0]!.bytesSent).toBeGreaterThan(10_000);
    expect(health.bitrateBps).toBeGreaterThan(100_000);
    expect(health.frames.produced).toBeGreaterThan(100);
    expect(health.processes.some((p) => p.role === 'encoder' && p.pid > 0 && (p.rssBytes ?? 0) > 1_000_000)).toBe(true);
    expect(health.nowPlaying?.title).toBeTruthy();

    // Every field as the shared schema says (strict: nothing more, nothing missing).
    channelHealthSchema.parse(health);
    const status = stationStatusSchema.parse(JSON.parse(statusText)) as StationStatusDto;
    expect(status.channelsOnAir).toBe(1);
    expect(status.system.memTotalBytes).toBeGreaterThan(0);
    // Open on the LAN: never the token, never the station's folders.
    expect(statusText).not.toContain(running.token);
    expect(statusText).not.toContain(tmp.dir);
    expect(events.map((e) => e.event).sort()).toEqual(['director', 'status']);

    // Off the air again: the as-run log has the time on air, bracketed.
    await clock.sleep(500);
    running.asRun.flush();
    const res = await fetch(`${base}/api/asrun?channel=1`);
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { day: string; entries: AsRunEntryDto[] };
    const kinds = entries.map((e) => e.kind);
    expect(kinds[0]).toBe('on-air');
    expect(kinds.at(-1)).toBe('off-air');
    const aired = entries.filter((e) => e.eventId);
    expect(aired.length, JSON.stringify(entries, null, 1)).toBeGreaterThanOrEqual(2);
    expect(aired.every((e) => e.producer === 'asset' && e.status === 'closed' && e.frames > 0)).toBe(true);
    const totalFrames = aired.reduce((s, e) => s + e.frames, 0);
    console.log(`as-run over HTTP: ${aired.length} airings, ${totalFrames} frames (${(totalFrames / 30).toFixed(1)} s) for a 6 s watch`);
    expect(totalFrames / 30).toBeGreaterThan(4);
    expect(totalFrames / 30).toBeLessThan(9);

    const csv = await fetch(`${base}/api/asrun?channel=1`, { headers: { Accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^channel,broadcastDay,actualStart,actualEnd,frames,kind,title/);
    expect(lines).toHaveLength(entries.length + 1);

    const bad = await fetch(`${base}/api/asrun?day=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('YYYY-MM-DD');
    const report = (await (await fetch(`${base}/api/asrun/report?channel=1`)).json()) as { onAirMs: number; missed: unknown[] };
    expect(report.onAirMs).toBeGreaterThan(4000);
    expect(report.missed).toEqual([]);
  }, 90_000);

  it('an encoder killed on air is restarted; health, /metrics and the as-run entry say so', async () => {
    const base = running.url;
    const watching = watchStream(`${base}/iptv/channel/1.ts`, 7000);
    await clock.sleep(2000);
    const before = (await (await fetch(`${base}/api/channels/1/health`)).json()) as ChannelHealthDto;
    const encoder = before.processes.find((p) => p.role === 'encoder')!;
    expect(encoder).toBeDefined();
    process.kill(encoder.pid, 'SIGKILL');
    await clock.sleep(3000);
    const after = (await (await fetch(`${base}/api/channels/1/health`)).json()) as ChannelHealthDto;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const watched = await watching;
    expect(watched.body.length).toBeGreaterThan(100_000);
    expect(after.restarts.encoder).toBe(before.restarts.encoder + 1);
    expect(after.restarts.recent.at(-1)?.what).toBe('encoder');
    expect(after.processes.find((p) => p.role === 'encoder')?.pid).not.toBe(encoder.pid);
    expect(counter(metrics, 'retrovue_encoder_restarts_total', '1')).toBe(after.restarts.encoder);
    await clock.sleep(500);
    running.asRun.flush();
    const { entries } = (await (await fetch(`${base}/api/asrun?channel=1`)).json()) as { entries: AsRunEntryDto[] };
    expect(entries.some((e) => e.deviation?.includes('encoder restarted'))).toBe(true);
    console.log(`encoder kill: restarted (${after.restarts.recent.at(-1)?.cause}); ${after.restarts.encoder} restart(s) in health and /metrics`);
  }, 90_000);
});

async function startServe(data: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, '--data', data, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-demo', '--linger', '0', '--no-ssdp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 300 && !/Console:\s+(\S+)/.test(out); i++) await clock.sleep(100);
  const url = /Console:\s+(\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`serve did not print its URL: ${out}`);
  return { child, url };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('a station killed mid-entry', () => {
  const tmp = makeTempDir('retrovue-asrun-kill-');
  const data = path.join(tmp.dir, 'data');
  beforeAll(() => makeStation(data, path.join(tmp.dir, 'media')));
  afterAll(() => tmp.cleanup());

  it('closes the open entry as interrupted on the next start; nothing else is lost', async () => {
    const first = await startServe(data);
    try {
      // Held open until the kill, however long the machine takes for the steps before it.
      const viewer = new LiveViewer(`${first.url}/iptv/channel/1.ts`);
      expect(await viewer.headers).toBe(200);
      await clock.sleep(3000);
      // `retrovue status` against the running station.
      const st = spawnSync(process.execPath, [BIN, '--data', data, '--json', 'status'], { encoding: 'utf8', timeout: 30_000 });
      expect(st.status, st.stderr).toBe(0);
      const parsed = JSON.parse(st.stdout) as StationStatusDto;
      expect(parsed.channelsOnAir).toBe(1);
      expect(parsed.channels[0]!.viewers).toHaveLength(1);
      await clock.sleep(1500);
      first.child.kill('SIGKILL');
      await exited(first.child);
      viewer.close();
    } finally {
      first.child.kill('SIGKILL');
    }
    const peek = () => {
      const db = openDatabase(path.join(data, 'retrovue.db'));
      try {
        return new AsRunStore(db.db).overlapping(0, 8.64e15);
      } finally {
        db.close();
      }
    };
    const before = peek();
    const open = before.filter((r) => r.status === 'open');
    expect(open, JSON.stringify(before)).toHaveLength(1);
    expect(before.some((r) => r.kind === 'on-air')).toBe(true);

    const second = await startServe(data);
    second.child.kill('SIGTERM');
    await exited(second.child);
    const after = peek();
    const was = after.find((r) => r.id === open[0]!.id)!;
    expect(was.status).toBe('interrupted');
    // Closed where it was last seen on air (at most one flush, 1 s, before the kill).
    expect(was.actualEndMs!).toBeGreaterThanOrEqual(was.actualStartMs);
    expect(was.deviation).toContain('interrupted');
    expect(Math.abs(was.frames - ((was.actualEndMs! - was.actualStartMs) * 30) / 1000)).toBeLessThanOrEqual(1);
    // `retrovue asrun` reads the log from the data directory, station running or not.
    const cli = spawnSync(process.execPath, [BIN, '--data', data, 'asrun', '--channel', '1', '--format', 'csv'], { encoding: 'utf8', timeout: 30_000 });
    expect(cli.status, cli.stderr).toBe(0);
    const csvLines = cli.stdout.trim().split('\r\n');
    expect(csvLines.length).toBe(after.length + 1);
    expect(csvLines.some((l) => l.includes(',interrupted,'))).toBe(true);
    const badDay = spawnSync(process.execPath, [BIN, '--data', data, 'asrun', '--day', '2026-13-45'], { encoding: 'utf8', timeout: 30_000 });
    expect(badDay.status).not.toBe(0);
    expect(badDay.stderr).toContain('YYYY-MM-DD');
    // Every other row is as it was.
    for (const r of before.filter((x) => x.status !== 'open')) expect(after.find((x) => x.id === r.id)).toEqual(r);
    console.log(`kill -9: ${before.length} rows kept, the open one closed as interrupted after ${((was.actualEndMs! - was.actualStartMs) / 1000).toFixed(1)} s (${was.frames} frames)`);
  }, 90_000);
});
