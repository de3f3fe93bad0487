/**
 * Fault: hostile station files fed to `retrovue station import`: wrong types, huge
 * numbers, path traversal, unknown keys, broken YAML, an alias bomb, the wrong root. Each
 * is refused with a line naming what is wrong and a non-zero exit, and the database file
 * is byte for byte what it was.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLoopStation } from '../test-support/fault-station.ts';
import { report } from '../test-support/fault-report.ts';
import { monoMs } from '../test-support/poll.ts';
import { RETROVUE_BIN } from '../test-support/serve-process.ts';
import { makeTempDir } from '../test-support/temp-dir.ts';

const run = promisify(execFile);

const channel = (extra: string): string => `version: 1\nchannels:\n  - { number: 5, name: Hostile, timezone: UTC, ${extra} }\n`;
const zone = (sources: string): string => `zones: [{ name: All day, start: "06:00", end: "06:00", play: random, sources: [${sources}] }]`;

/** Each file and what the error must name. */
const FILES: { what: string; text: string; names: RegExp }[] = [
  { what: 'wrong types', text: 'version: 1\nchannels:\n  - { number: "five", name: 5, timezone: 7, enabled: "yes" }\n', names: /channels\[0\]\.number/ },
  { what: 'channels not a list', text: 'version: 1\nchannels: { number: 5 }\n', names: /channels: .*array/i },
  { what: 'huge channel number', text: 'version: 1\nchannels:\n  - { number: 1e308, name: Huge, timezone: UTC }\n', names: /channels\[0\]\.number/ },
  { what: 'infinite seed', text: channel('seed: .inf'), names: /channels\[0\]\.seed/ },
  { what: 'huge grid', text: channel('grid: 99999999999999999999'), names: /channels\[0\]\.grid/ },
  { what: 'huge break count', text: channel('breaks: { perHour: 1000000000 }'), names: /channels\[0\]\.breaks\.perHour/ },
  { what: 'negative cooldown', text: channel('pools: { commercials: [{ collection: loop, cooldownMinutes: -1e9 }] }'), names: /channels\[0\]\.pools\.commercials\[0\]\.cooldownMinutes/ },
  { what: 'path traversal to a system file', text: channel(zone('{ path: "../../../../../../etc/passwd" }')), names: /channels\[0\]\.zones\[0\]\.sources\[0\]: no asset with path '\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd'/ },
  { what: 'absolute path outside every source', text: channel(zone('{ path: "/etc/shadow" }')), names: /no asset with path '\/etc\/shadow'/ },
  { what: 'traversal as a collection', text: channel('loop: { collection: "../../.." }'), names: /channels\[0\]\.loop\.collection: no collection named '\.\.\/\.\.\/\.\.'/ },
  { what: 'unknown key on a channel', text: channel('color: red'), names: /channels\[0\].*color/ },
  { what: 'unknown top-level key', text: 'version: 1\nexec: "rm -rf /"\nchannels: []\n', names: /exec/ },
  { what: 'version 2', text: 'version: 2\nchannels: []\n', names: /version/ },
  { what: 'unterminated YAML', text: 'version: 1\nchannels:\n  - { number: 5, name: "Hostile\n', names: /yaml/i },
  { what: 'alias bomb', text: `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\nchannels: []\n`, names: /alias/i },
  { what: 'a list at the root', text: '[1, 2, 3]\n', names: /\(root\)/ },
  { what: 'an empty file', text: '', names: /\(root\)/ },
  { what: 'binary garbage', text: '\u0000\u0001\u0002\u00ff\u00fe PK\u0003\u0004', names: /yaml|\(root\)/i },
  { what: 'a channel twice', text: 'version: 1\nchannels:\n  - { number: 5, name: A, timezone: UTC }\n  - { number: 5, name: B, timezone: UTC }\n', names: /channel 5 is defined twice/ },
  { what: 'unknown time zone', text: channel('timezone: "../../etc/localtime"').replace('timezone: UTC, ', ''), names: /unknown time zone/ },
];

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('hostile station files', () => {
  const tmp = makeTempDir('retrovue-fault-yaml-');
  let data = '';

  beforeAll(async () => {
    ({ data } = await buildLoopStation(tmp.dir, [{ name: 'a.mp4', seconds: 1 }]));
  });
  afterAll(() => tmp.cleanup());

  it('refuses each with a clear error and a non-zero exit, and leaves the database untouched', async () => {
    const db = path.join(data, 'retrovue.db');
    const before = sha256(db);
    const failures: string[] = [];
    const t0 = monoMs();
    for (const [i, f] of FILES.entries()) {
      const file = path.join(tmp.dir, `hostile-${i}.yaml`);
      writeFileSync(file, f.text);
      const r = await run(process.execPath, [RETROVUE_BIN, '--data', data, 'station', 'import', file], { timeout: 60_000 }).then(
        (o) => ({ code: 0, stderr: o.stderr, stdout: o.stdout }),
        (e: { code: number | null; stderr: string; stdout: string }) => ({ code: e.code, stderr: e.stderr, stdout: e.stdout }),
      );
      const line = r.stderr.trim();
      const clear = r.code !== 0 && /^retrovue: /.test(line) && f.names.test(line) && !/at .*\.ts:\d+/.test(line);
      if (!clear) failures.push(`${f.what}: exit ${r.code}, ${JSON.stringify(line.slice(0, 300) || r.stdout.slice(0, 200))}`);
    }
    const seconds = (monoMs() - t0) / 1000;
    const after = sha256(db);
    const wal = path.join(data, 'retrovue.db-wal');
    const walBytes = existsSync(wal) ? statSync(wal).size : 0;
    report(`hostile station files → ${FILES.length - failures.length} of ${FILES.length} refused clearly (${seconds.toFixed(1)} s); database ${after === before ? 'unchanged' : 'CHANGED'} (sha256 ${after.slice(0, 12)}), WAL ${walBytes} bytes${failures.length ? `; not: ${failures.join(' | ')}` : ''}`);
    expect(failures).toEqual([]);
    expect(after).toBe(before);
    expect(walBytes).toBe(0);
  }, 300_000);
});
