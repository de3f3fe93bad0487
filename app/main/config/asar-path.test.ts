import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { outsideAsar } from './asar-path.ts';

describe('outsideAsar', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  it('maps a path inside app.asar to its unpacked copy when there is one', () => {
    const unpacked = path.join(tmp.dir, 'resources', 'app.asar.unpacked', 'resources', 'fonts');
    mkdirSync(unpacked, { recursive: true });
    writeFileSync(path.join(unpacked, 'a.ttf'), '');
    const inside = path.join(tmp.dir, 'resources', 'app.asar', 'resources', 'fonts', 'a.ttf');
    expect(outsideAsar(inside)).toBe(path.join(unpacked, 'a.ttf'));
  });
  it('leaves other paths, and asar paths without an unpacked copy, alone', () => {
    const plain = path.join(tmp.dir, 'resources', 'fonts', 'a.ttf');
    expect(outsideAsar(plain)).toBe(plain);
    const packedOnly = path.join(tmp.dir, 'resources', 'app.asar', 'out', 'main', 'x.js');
    expect(outsideAsar(packedOnly)).toBe(packedOnly);
    expect(outsideAsar(path.join(tmp.dir, 'my.app.asar.d', 'f'))).toBe(path.join(tmp.dir, 'my.app.asar.d', 'f'));
  });
});
