/**
 * Fault: the disk holding the data directory fills up while a channel is on air (a small
 * tmpfs, filled to the last byte). The stream plays on, writes the station attempts fail
 * with a clear error, and nothing crashes. Needs root to mount; skipped with a message otherwise.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelManager } from '../runtime/channel-manager.ts';
import { buildLoopStation, startFaultStation, type FaultStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { LiveViewer } from '../test-support/live-viewer.ts';
import { monoMs, pollUntil, sleep } from '../test-support/poll.ts';
import { RETROVUE_BIN } from '../test-support/serve-process.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { fillDisk, freeDisk, mountTmpfs, unmount } from '../test-support/tmpfs.ts';

const run = promisify(execFile);

describe('a full disk while on air', () => {
  const tmp = makeTempDir('retrovue-fault-disk-');
  const mnt = path.join(tmp.dir, 'mnt');
  let mounted = false;
  let st: FaultStation;
  let manager: ChannelManager;

  beforeAll(async () => {
    // Mounted here, not at import, so listing the tests never leaves a mount behind.
    mounted = mountTmpfs(mnt, '16m');
    if (!mounted) return;
    // Media stay on the big disk; the station's data directory is on the small one.
    const built = await buildLoopStation(tmp.dir, [{ name: 'a.mp4', seconds: 3 }, { name: 'b.mp4', seconds: 3, numberOffset: 1000 }], { data: path.join(mnt, 'data') });
    st = await startFaultStation(built.data, { lingerMs: 0 });
    manager = st.running.director.manager(1) as ChannelManager;
  });
  afterAll(async () => {
    await st?.stop().catch(() => {});
    if (mounted) unmount(mnt);
    tmp.cleanup();
  });

  it('keeps playing, refuses writes with a clear error, and stays up', async (ctx) => {
    if (!mounted) {
      report('full disk: skipped (mounting a tmpfs needs root)');
      ctx.skip();
    }
    const viewer = new LiveViewer(`${st.base}/iptv/channel/1.ts`);
    expect(await viewer.headers).toBe(200);
    await pollUntil('the stream flowing', () => viewer.bytes > 50_000);
    fillDisk(mnt);
    const t0 = monoMs();

    // A mode switch has to be stored: it must fail and say why, and leave the channel as it was.
    const res = await fetch(`${st.base}/api/director/mode`, {
      method: 'POST', headers: { authorization: `Bearer ${st.running.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'guide' }),
    });
    const body = (await res.json()) as { ok?: boolean; error?: string };
    const mode = ((await (await fetch(`${st.base}/api/director`)).json()) as { mode: string }).mode;
    // The CLI writing to the same full disk.
    const cli = await run(process.execPath, [RETROVUE_BIN, '--data', path.join(mnt, 'data'), 'source', 'add', 'more', tmp.dir]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    // Across segment boundaries (every 3 s), with the disk still full.
    await sleep(7000);
    const t1 = monoMs();
    const gap = viewer.maxGapMs(t0, t1);
    const rate = viewer.bytesBetween(t0, t1) / ((t1 - t0) / 1000);
    const rt = manager.runtimeStatus();
    const health = await fetch(`${st.base}/api/health`);
    const errors = st.log.filter((l) => /"level":50/.test(l));
    const endedWhileFull = viewer.endedAt;
    viewer.close();
    freeDisk(mnt);

    report(`full disk → stream kept ${Math.round(rate / 1000)} kB/s for ${((t1 - t0) / 1000).toFixed(1)} s, longest gap ${Math.round(gap)} ms; mode switch answered ${res.status}: ${body.error ?? ''}`);
    report(`full disk → CLI source add exit ${cli.code}: ${cli.stderr.trim()}; station log ${errors.length} error lines, e.g. ${errors[0]?.slice(0, 200) ?? '(none)'}`);
    expect(endedWhileFull).toBe(0);
    expect(gap).toBeLessThan(1500);
    expect(rt.producerKind).toBe('asset');
    expect(rt.producerStatus).toMatch(/running|degraded/);
    expect(res.status).toBe(500);
    expect(body.error).toMatch(/could not save the new mode .*disk space/);
    expect(mode).toBe('normal');
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/disk holding the data directory is full/);
    expect(errors.some((l) => /mode switch failed/.test(l))).toBe(true);
    expect(health.status).toBe(200);
  });
});
