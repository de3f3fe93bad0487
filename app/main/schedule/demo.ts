/**
 * The demo schedule: resources/station/demo.yaml imported over the demo media's
 * collections (shows/<series>, movies, commercials, bumpers/pre|post, promos, ids,
 * filler). Two channels with dayparts, breaks, promos, station IDs and a late movie
 * that runs past the broadcast-day start.
 */
import { readFileSync } from 'node:fs';
import { resourcesDir } from '../config/resources.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import type { Db } from '../db/database.ts';
import { importStation, type ImportResult } from './station-file.ts';

/** Where the demo station file is: beside the sources in a checkout, beside the bundle in a build. */
export function demoStationPath(): string | null {
  return resourcesDir('station/demo.yaml');
}

export interface DemoStationOptions {
  /** Station file text to use instead of resources/station/demo.yaml. */
  yaml?: string;
}

/**
 * Define the demo channels over the collections already in the library.
 * References that match nothing are dropped with a warning rather than failing,
 * so a partial demo library still gets a station.
 */
export function applyDemoStation(db: Db, clock: MasterClock, options: DemoStationOptions = {}): ImportResult {
  let text = options.yaml;
  if (text === undefined) {
    const file = demoStationPath();
    if (!file) throw new Error('The demo station file (resources/station/demo.yaml) is missing; reinstall RetroVue.');
    text = readFileSync(file, 'utf8');
  }
  return importStation(db, clock, text, { lenient: true });
}
