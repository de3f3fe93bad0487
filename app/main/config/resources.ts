/** Finds the shipped resources/ folder, from the source tree or beside a built bundle. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function resourcesDir(sub: string): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const root of [path.resolve(here, '../../../resources'), path.resolve(here, '../../resources'), path.resolve(here, '../resources')]) {
    const p = path.join(root, sub);
    if (existsSync(p)) return p;
  }
  return null;
}
