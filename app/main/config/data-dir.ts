/** Where a station keeps its database, logs and generated media. */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(): string {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'RetroVue');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'RetroVue');
    default:
      return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'retrovue');
  }
}

/** `--data DIR` wins, then RETROVUE_DATA_DIR, then the user's app-data folder. */
export function resolveDataDir(flag?: string): string {
  return path.resolve(flag ?? process.env.RETROVUE_DATA_DIR ?? defaultDataDir());
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'retrovue.db');
}
