/** Playlog events as the builder makes them: one channel, ids in the one format. */
import type { EventKind, LibraryAsset, PlaylogEvent } from '../types.ts';
import { EventIds } from './event-id.ts';

export class EventMaker {
  private readonly ids: EventIds;

  constructor(readonly channelNumber: number) {
    this.ids = new EventIds(channelNumber);
  }

  /** An event of `asset` (or, with null, a pad titled `title`) from `inPointMs` for `durationMs`. */
  make(startMs: number, kind: EventKind, asset: LibraryAsset | null, inPointMs: number, durationMs: number, title?: string): PlaylogEvent {
    const ev: PlaylogEvent = {
      id: this.ids.of(startMs),
      channelNumber: this.channelNumber,
      startMs,
      endMs: startMs + durationMs,
      kind,
      assetId: asset?.id ?? null,
      title: title ?? asset?.title ?? '',
      inPointMs,
      durationMs,
      path: asset?.path ?? null,
      hasVideo: asset?.hasVideo ?? false,
      hasAudio: asset?.hasAudio ?? false,
    };
    if (asset?.gainDb) ev.gainDb = asset.gainDb;
    if (asset?.rating) ev.rating = asset.rating;
    return ev;
  }
}
