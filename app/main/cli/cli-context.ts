/** What every CLI command needs: the station (opened lazily, closed after) and the global flags. */
import { resolveDataDir } from '../config/data-dir.ts';
import { openStation, type Station } from '../station.ts';
import { parseWholeNumber } from './cli-args.ts';

export interface CliContext {
  json(): boolean;
  dataDir(): string;
  withStation<T>(fn: (station: Station) => T | Promise<T>): Promise<T>;
  intArg(value: string, what: string): number;
}

export function createCliContext(globalOpts: () => { data?: string; json?: boolean }): CliContext {
  return {
    json: () => Boolean(globalOpts().json),
    dataDir: () => resolveDataDir(globalOpts().data),
    async withStation(fn) {
      const station = openStation({ dataDir: resolveDataDir(globalOpts().data) });
      try {
        return await fn(station);
      } finally {
        station.close();
      }
    },
    intArg: parseWholeNumber,
  };
}
