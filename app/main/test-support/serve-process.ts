/** `retrovue serve` as a child process: the station as a user runs it, to be killed outright. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pollUntil } from './poll.ts';
import { processAlive } from './watch-stream.ts';

export const RETROVUE_BIN = path.resolve(import.meta.dirname, '../../../bin/retrovue.mjs');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed (stdout and stderr) so far. */
  output(): string;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startServe(data: string, extra: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [RETROVUE_BIN, '--data', data, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-demo', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const url = await pollUntil('serve to print its URL', () => /Console:\s+(\S+)/.exec(out)?.[1] ?? (child.exitCode !== null ? 'exited' : null), 60_000).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${out}`);
  });
  if (url === 'exited') throw new Error(`serve exited (${child.exitCode}):\n${out}`);
  return {
    child,
    url,
    output: () => out,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await pollUntil('serve to exit', () => !processAlive(child.pid!), graceMs).catch(() => child.kill('SIGKILL'));
      await exited;
    },
  };
}
