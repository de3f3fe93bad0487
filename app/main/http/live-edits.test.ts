/** Edits made with the CLI (another connection to the database) reach a running station without a restart. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../clock/master-clock.ts';
import { startHeadlessStation, type RunningStation } from '../headless.ts';
import { makeFrameNumberedClip } from '../media/test-media.ts';
import { openStation } from '../station.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const clock = new SystemClock();

interface Listed {
  number: number;
  name: string;
  enabled: boolean;
  nowPlaying: { title: string } | null;
}

describe('a running station picks up outside edits', () => {
  const tmp = makeTempDir();
  const data = path.join(tmp.dir, 'data');
  let running: RunningStation;

  beforeAll(async () => {
    const media = path.join(tmp.dir, 'media', 'loop');
    mkdirSync(media, { recursive: true });
    await makeFrameNumberedClip(path.join(media, 'a.mp4'), { seconds: 4 });
    const st = openStation({ dataDir: data });
    st.library.addSource('t', path.join(tmp.dir, 'media'));
    await st.scanner.scan('t');
    st.channels.addLoop({ number: 1, name: 'One', collection: 'loop', timezone: 'UTC' });
    st.close();
    running = await startHeadlessStation({ dataDir: data, host: '127.0.0.1', port: 0, demo: false, consoleDir: null });
  });
  afterAll(async () => {
    await running?.stop();
    tmp.cleanup();
  });

  async function channels(): Promise<Listed[]> {
    return (await (await fetch(`${running.url}/api/channels`)).json()) as Listed[];
  }
  async function until(ok: (list: Listed[]) => boolean): Promise<Listed[]> {
    for (let i = 0; i < 60; i++) {
      const list = await channels();
      if (ok(list)) return list;
      await clock.sleep(250);
    }
    return channels();
  }

  it('a channel added, one disabled, then one removed', async () => {
    expect((await channels()).map((c) => c.number)).toEqual([1]);
    // What `retrovue channel add` and a disable do: another connection writes.
    const cli = openStation({ dataDir: data });
    cli.channels.addLoop({ number: 2, name: 'Two', collection: 'loop', timezone: 'UTC' });
    cli.channels.setEnabled(1, false);
    cli.close();
    const after = await until((l) => l.length === 2 && l[0]?.enabled === false);
    expect(after.map((c) => [c.number, c.enabled])).toEqual([[1, false], [2, true]]);
    expect(after[1]?.nowPlaying?.title).toBeTruthy();
    const refused = await fetch(`${running.url}/iptv/channel/1.ts`);
    expect(refused.status).toBe(403);

    const cli2 = openStation({ dataDir: data });
    cli2.database.sqlite.prepare('DELETE FROM channels WHERE number = 1').run();
    cli2.close();
    const removed = await until((l) => l.length === 1);
    expect(removed.map((c) => c.number)).toEqual([2]);
    expect((await fetch(`${running.url}/iptv/channel/1.ts`)).status).toBe(404);
  });
});
