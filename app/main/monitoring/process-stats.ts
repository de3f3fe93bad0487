/**
 * CPU and memory of processes and of the machine, read from /proc where there is one
 * (Linux); elsewhere CPU and RSS of child processes are unknown (null), never guessed.
 * CPU % is over the interval between two samples, so the first sample of a pid is null.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Kernel clock ticks per second: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLK_TCK = 100;
const PAGE = 4096;

export interface ProcessSample {
  cpuPercent: number | null;
  rssBytes: number | null;
}

/** utime + stime in ticks, and RSS in bytes, or null when the process is gone or /proc is absent. */
export function readProc(pid: number): { ticks: number; rssBytes: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields count from after it.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    const rssPages = Number(rest[21]);
    return Number.isFinite(ticks) && Number.isFinite(rssPages) ? { ticks, rssBytes: rssPages * PAGE } : null;
  } catch {
    return null;
  }
}

export class ProcessSampler {
  private last = new Map<number, { ticks: number; atMs: number }>();
  private lastCpu: { idle: number; total: number } | null = null;
  private systemCpu: number | null = null;

  /** Sample `pids` at monotonic time `atMs`; forgets pids not asked for. */
  sample(pids: number[], atMs: number): Map<number, ProcessSample> {
    const out = new Map<number, ProcessSample>();
    const next = new Map<number, { ticks: number; atMs: number }>();
    for (const pid of pids) {
      const p = readProc(pid);
      if (!p) {
        out.set(pid, { cpuPercent: null, rssBytes: null });
        continue;
      }
      const prev = this.last.get(pid);
      const dt = prev ? atMs - prev.atMs : 0;
      const cpu = prev && dt > 0 ? Math.max(0, ((p.ticks - prev.ticks) / CLK_TCK) * 1000 / dt) * 100 : null;
      out.set(pid, { cpuPercent: cpu === null ? null : Math.round(cpu * 10) / 10, rssBytes: p.rssBytes });
      next.set(pid, { ticks: p.ticks, atMs });
    }
    this.last = next;
    this.sampleSystem();
    return out;
  }

  /** The machine's CPU use (all cores, %) over the last interval; null until sampled twice. */
  systemCpuPercent(): number | null {
    return this.systemCpu;
  }

  private sampleSystem(): void {
    let idle = 0;
    let total = 0;
    for (const c of os.cpus()) {
      const t = c.times;
      idle += t.idle;
      total += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    if (this.lastCpu && total > this.lastCpu.total) {
      this.systemCpu = Math.round((1 - (idle - this.lastCpu.idle) / (total - this.lastCpu.total)) * 1000) / 10;
    }
    this.lastCpu = { idle, total };
  }
}
