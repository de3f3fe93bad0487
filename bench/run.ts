/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line)
 * and prints their figures. Targets live here, in figures to read, not in timed tests.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

void (async () => {
  for (const f of files) {
    console.log(`\n## ${f.replace(/\.bench\.ts$/, '')}`);
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as Record<string, unknown>;
    // Each bench file exports run() (or one run…() function) that prints its figures.
    const entry = (typeof mod.run === 'function' ? mod.run : Object.entries(mod).find(([k, v]) => k.startsWith('run') && typeof v === 'function')?.[1]) as (() => Promise<void>) | undefined;
    if (!entry) {
      console.log('(no run() export; skipped)');
      continue;
    }
    await entry();
  }
})().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
