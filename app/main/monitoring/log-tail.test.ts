import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.ts';
import { redactPaths, tailLines } from './log-tail.ts';

describe('log tails for the LAN', () => {
  it('cut file system paths to file names', () => {
    expect(redactPaths("[in#0 @ 0x55] Error opening input file /home/ann/Videos/TV/Show S01E02.mkv.")).toBe('[in#0 @ 0x55] Error opening input file Show S01E02.mkv.');
    expect(redactPaths("Input #0, mov, from '/srv/media/movies/Night.mp4':")).toBe("Input #0, mov, from 'Night.mp4':");
    expect(redactPaths('C:\\Users\\ann\\Videos\\a.mp4: No such file')).toBe('a.mp4: No such file');
    expect(redactPaths('frame=  100 fps= 30 q=28.0 size=1024kB')).toBe('frame=  100 fps= 30 q=28.0 size=1024kB');
  });

  it('read the last lines of a long file, without the cut first line', () => {
    const tmp = makeTempDir();
    try {
      const f = path.join(tmp.dir, 'channel-1.log');
      writeFileSync(f, Array.from({ length: 5000 }, (_, i) => `line ${i} /tmp/x/y/file${i}.mp4`).join('\n') + '\n');
      const tail = tailLines(f, 3);
      expect(tail).toEqual(['line 4997 file4997.mp4', 'line 4998 file4998.mp4', 'line 4999 file4999.mp4']);
      expect(tailLines(path.join(tmp.dir, 'missing.log'))).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });
});
