/**
 * `station.json` in the data directory: where a running station listens, so the CLI can
 * reach it. Written at start, removed at stop; a station that was killed leaves it
 * behind, which is why readers also check that its process is alive.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const RUNNING_STATION_FILE = 'station.json';

export interface RunningStationInfo {
  /** Base URL on this machine, e.g. http://127.0.0.1:8410. */
  url: string;
  port: number;
  pid: number;
}

export function runningStationFile(dataDir: string): string {
  return path.join(dataDir, RUNNING_STATION_FILE);
}

export function writeRunningStation(dataDir: string, info: RunningStationInfo): void {
  const file = runningStationFile(dataDir);
  // Written whole, then renamed: a reader never sees half a file.
  const tmp = `${file}.${info.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  renameSync(tmp, file);
}

/** The file's contents, or null when there is no (readable) file. */
export function readRunningStation(dataDir: string): RunningStationInfo | null {
  const file = runningStationFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningStationInfo>;
    if (typeof v.url !== 'string' || typeof v.port !== 'number' || typeof v.pid !== 'number') return null;
    return { url: v.url, port: v.port, pid: v.pid };
  } catch {
    return null;
  }
}

/** Remove the file if it is still this station's (another may have started since). */
export function removeRunningStation(dataDir: string, mine: RunningStationInfo): void {
  const current = readRunningStation(dataDir);
  if (current?.pid === mine.pid && current.url === mine.url) rmSync(runningStationFile(dataDir), { force: true });
}
