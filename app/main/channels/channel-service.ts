/** Channel definitions: create, list, show. Runtime state lives in the ChannelManager, not here. */
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { MasterClock } from '../clock/master-clock.ts';
import { isValidTimeZone } from '../clock/zoned-time.ts';
import type { Db } from '../db/database.ts';
import { channels } from '../db/schema/index.ts';
import { LibraryError } from '../library/library-errors.ts';
import type { LibraryService } from '../library/library-service.ts';

export type ChannelRow = typeof channels.$inferSelect;

export interface NewLoopChannel {
  number: number;
  name: string;
  collection: string;
  startMs?: number;
  timezone?: string;
}

export class ChannelService {
  constructor(
    private readonly db: Db,
    private readonly library: LibraryService,
    private readonly clock: MasterClock,
  ) {}

  list(): ChannelRow[] {
    return this.db.select().from(channels).orderBy(asc(channels.number)).all();
  }

  find(number: number): ChannelRow | undefined {
    return this.db.select().from(channels).where(eq(channels.number, number)).get();
  }

  require(number: number): ChannelRow {
    const c = this.find(number);
    if (!c) throw new LibraryError(`No channel ${number}. List channels with 'retrovue channel list'.`);
    return c;
  }

  /** A looping channel: a collection played in order from an epoch, forever. */
  addLoop(input: NewLoopChannel): ChannelRow {
    if (!Number.isInteger(input.number) || input.number < 1 || input.number > 9999) {
      throw new LibraryError(`Channel number must be a whole number from 1 to 9999 (got ${input.number}).`);
    }
    if (!input.name.trim()) throw new LibraryError('A channel needs a name.');
    if (this.find(input.number)) throw new LibraryError(`Channel ${input.number} already exists. Pick another number.`);
    const timezone = input.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!isValidTimeZone(timezone)) throw new LibraryError(`Unknown time zone '${timezone}'. Use an IANA name such as America/New_York.`);
    const collection = this.library.findCollection(input.collection);
    if (!collection) {
      const known = this.library.listCollections().map((c) => c.name);
      throw new LibraryError(`Unknown collection '${input.collection}'. ${known.length ? `Known: ${known.slice(0, 12).join(', ')}.` : 'Scan a source first.'}`);
    }
    if (this.library.readyAssetsInCollection(collection.id).length === 0) {
      throw new LibraryError(`Collection '${input.collection}' has no ready assets yet. Scan its source first ('retrovue source scan <name>').`);
    }
    const now = this.clock.nowMs();
    // In a transaction: outside one, INSERT … RETURNING hands back its row even when the
    // write fails (a full disk only shows at COMMIT).
    return this.db.transaction((tx) => tx
      .insert(channels)
      .values({
        uuid: randomUUID(), number: input.number, name: input.name.trim(), timezone, planKind: 'loop', loopCollectionId: collection.id,
        loopEpochMs: input.startMs ?? now, createdAtMs: now,
      })
      .returning()
      .get());
  }

  setEnabled(number: number, enabled: boolean): void {
    this.require(number);
    this.db.update(channels).set({ enabled }).where(eq(channels.number, number)).run();
  }
}
