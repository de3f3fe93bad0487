/**
 * The embedded default: a small station built from generated media, so that a first
 * `npm start` puts something on the air without the user owning any media.
 */
import path from 'node:path';
import { generateDemoMedia, type DemoItem } from '../media/demo-media.ts';
import { applyDemoStation } from '../schedule/demo.ts';
import type { Station } from '../station.ts';

export const DEMO_SOURCE = 'demo';

export type DemoPhase = 'media' | 'scan' | 'breaks' | 'loudness' | 'channels';

/** What each phase of making the demo is called where a person watches it. */
export const DEMO_PHASE_LABEL: Record<DemoPhase, string> = {
  media: 'Making demo media',
  scan: 'Probing demo media',
  breaks: 'Finding breaks in demo programmes',
  loudness: 'Measuring demo loudness',
  channels: 'Creating channels',
};

export interface DemoProgress {
  (phase: DemoPhase, done: number, total: number, detail?: string): void;
}

/**
 * Generate the demo media (if missing), scan it and define the demo channels.
 * Idempotent: an existing demo source or existing channels are left as they are.
 */
export async function createDemoStation(station: Station, opts: { items?: DemoItem[]; onProgress?: DemoProgress; width?: number; height?: number } = {}): Promise<void> {
  const dir = path.join(station.dataDir, 'demo-media');
  await generateDemoMedia(dir, { items: opts.items, width: opts.width, height: opts.height, onProgress: (d, n, item) => opts.onProgress?.('media', d, n, item.relPath) });
  if (!station.library.findSource(DEMO_SOURCE)) station.library.addSource(DEMO_SOURCE, dir);
  // Every phase of the first scan is reported: detecting breaks and measuring loudness
  // take most of its time.
  const phaseOf = { probing: 'scan', detecting: 'breaks', measuring: 'loudness' } as const;
  await station.scanner.scan(DEMO_SOURCE, (p) => {
    if (p.phase in phaseOf) opts.onProgress?.(phaseOf[p.phase as keyof typeof phaseOf], p.done, p.total, p.current);
  });
  if (station.channels.list().length > 0) return;
  if (!opts.items) {
    applyDemoStation(station.db, station.clock);
  } else {
    // A custom library (tests) gets simple looping channels.
    const collections = station.library.listCollections().filter((c) => c.readyCount > 0);
    const shows = collections.filter((c) => c.name.startsWith('shows/'));
    let number = 1;
    for (const c of shows.length ? shows : collections.slice(0, 2)) {
      station.channels.addLoop({ number: number++, name: `RetroVue ${c.name.replace(/^shows\//, '')}`, collection: `${DEMO_SOURCE}:${c.name}`, startMs: station.clock.nowMs() - 7 * 60_000 });
    }
  }
  opts.onProgress?.('channels', 1, 1);
}

