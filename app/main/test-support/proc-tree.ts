/** The live processes under a pid, read from /proc (Linux), to prove what a station left running. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  comm: string;
}

/** Every live (not zombie) descendant of `root`, by walking /proc parent links. */
export function descendants(root: number): ProcInfo[] {
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
      // The process ended while we looked.
    }
  }
  const out: ProcInfo[] = [];
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

/** The ffmpeg processes under `root` (default: this process). */
export function ffmpegUnder(root = process.pid): ProcInfo[] {
  return descendants(root).filter((p) => p.comm.startsWith('ffmpeg'));
}

/** A process's command line as arguments ([] once it has gone). */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
