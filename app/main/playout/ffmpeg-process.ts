/**
 * An owned child process: spawned with an argument array (never a shell string),
 * its stderr captured line by line into the owner's log, and killed with
 * SIGTERM → SIGKILL. `kill()` resolves only once the OS has reaped it, so an owner
 * that awaits it never leaves orphans behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** Who wrote a playout log line: a process, or the channel output's own pacing ('output'). */
export type LogSource = 'encoder' | 'decoder' | 'slate' | 'output';

export interface PlayoutLogLine {
  source: LogSource;
  pid: number | undefined;
  /** eventId of the segment a decoder serves. */
  eventId?: string;
  text: string;
}

export type PlayoutLogger = (line: PlayoutLogLine) => void;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

export interface OwnedProcessOptions {
  source: LogSource;
  eventId?: string;
  log: PlayoutLogger;
  /** stdio layout; index i becomes fd i in the child. */
  stdio: ('pipe' | 'ignore')[];
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export class OwnedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | null = null;
  private readonly opts: OwnedProcessOptions;
  private stderrRest = '';

  constructor(binary: string, args: readonly string[], opts: OwnedProcessOptions) {
    this.opts = opts;
    const child = spawn(binary, [...args], { stdio: opts.stdio, windowsHide: true });
    this.child = child;
    this.exited = new Promise<ProcessExit>((resolve) => {
      // 'exit' fires after libuv has reaped the child, so /proc/<pid> is gone by then.
      child.once('exit', (code, signal) => {
        this.flushStderr();
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      child.once('error', (error) => {
        // Spawn failure (ENOENT, EAGAIN): there will be no 'exit'.
        if (child.pid === undefined && !this.exitInfo) {
          this.exitInfo = { code: null, signal: null, error };
          this.log(`spawn failed: ${error.message}`);
          resolve(this.exitInfo);
        }
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const text = this.stderrRest + chunk;
      const lines = text.split(/\r?\n|\r/);
      this.stderrRest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.log(line);
    });
    // Broken pipes on our side are expected when a process dies; its exit carries the meaning.
    for (const s of child.stdio) (s as NodeJS.EventEmitter | null)?.on('error', () => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Still running (spawned and not yet reaped). */
  get alive(): boolean {
    return this.child.pid !== undefined && this.exitInfo === null;
  }

  get exitStatus(): ProcessExit | null {
    return this.exitInfo;
  }

  stream(fd: number): Readable | Writable | null {
    return (this.child.stdio[fd] as Readable | Writable | null | undefined) ?? null;
  }

  private flushStderr(): void {
    if (this.stderrRest.trim() !== '') this.log(this.stderrRest);
    this.stderrRest = '';
  }

  private log(text: string): void {
    try {
      this.opts.log({ source: this.opts.source, pid: this.child.pid, eventId: this.opts.eventId, text });
    } catch {
      // A faulty logger must not take the playout down.
    }
  }

  /**
   * SIGTERM, then SIGKILL after the grace period; resolves when the process is gone.
   * `immediate` skips straight to SIGKILL (disposable decoders have nothing to flush).
   */
  async kill(immediate = false): Promise<ProcessExit> {
    if (!this.alive) return this.exited;
    // Closing our pipe ends unblocks a process stuck writing to or reading from us.
    for (const s of this.child.stdio) (s as { destroy?: () => void } | null)?.destroy?.();
    const grace = this.opts.killGraceMs ?? 750;
    try {
      this.child.kill(immediate ? 'SIGKILL' : 'SIGTERM');
    } catch {
      // Already gone.
    }
    if (!immediate) {
      const timer = setTimeout(() => {
        if (this.alive) {
          try {
            this.child.kill('SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }, grace);
      timer.unref?.();
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }
}

/** True when the exit means the process did its job. */
export function exitedCleanly(exit: ProcessExit | null): boolean {
  return !!exit && exit.code === 0 && !exit.error;
}

/** Human-readable exit description for health details. */
export function describeExit(exit: ProcessExit): string {
  if (exit.error) return exit.error.message;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code}`;
}

/** A bounded in-memory log: the default sink when the owner gives no logger. */
export class RingLog {
  private readonly lines: string[] = [];
  constructor(private readonly max = 200) {}
  readonly write: PlayoutLogger = (line) => {
    const tag = line.eventId ? `${line.source}:${line.pid ?? '-'}:${line.eventId}` : `${line.source}:${line.pid ?? '-'}`;
    this.lines.push(`[${tag}] ${line.text}`);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  };
  recent(): string[] {
    return [...this.lines];
  }
}
