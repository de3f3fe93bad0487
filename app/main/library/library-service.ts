/**
 * Sources, collections and assets: reads and the few writes the operator makes.
 * Asset state changes go through the lifecycle in asset-lifecycle.ts.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AssetKind, AssetState } from '../../shared/types.ts';
import type { MasterClock } from '../clock/master-clock.ts';
import type { Db } from '../db/database.ts';
import { assets, collections, sources } from '../db/schema/index.ts';
import { assertTransition } from './asset-lifecycle.ts';
import { ASSET_KINDS } from './asset-kind.ts';
import { LibraryError } from './library-errors.ts';

export type SourceRow = typeof sources.$inferSelect;
export type CollectionRow = typeof collections.$inferSelect;
export type AssetRow = typeof assets.$inferSelect;

export interface AssetFilter {
  state?: AssetState;
  kind?: AssetKind;
  collectionId?: number;
  sourceId?: number;
}

export class LibraryService {
  constructor(
    private readonly db: Db,
    private readonly clock: MasterClock,
  ) {}

  addSource(name: string, folder: string): SourceRow {
    const trimmed = name.trim();
    if (!trimmed) throw new LibraryError('A source needs a name.');
    const abs = path.resolve(folder);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new LibraryError(`Path ${abs} does not exist. Give the folder that holds your media.`);
    }
    if (!stat.isDirectory()) throw new LibraryError(`${abs} is a file; a source is a folder of media. Give its folder instead.`);
    if (this.findSource(trimmed)) throw new LibraryError(`A source named '${trimmed}' already exists. Pick another name, or scan it with 'source scan ${trimmed}'.`);
    // In a transaction: outside one, INSERT … RETURNING hands back its row even when the write fails.
    return this.db.transaction((tx) => tx.insert(sources).values({ name: trimmed, type: 'local', path: abs, createdAtMs: this.clock.nowMs() }).returning().get());
  }

  findSource(name: string): SourceRow | undefined {
    return this.db.select().from(sources).where(eq(sources.name, name)).get();
  }

  requireSource(name: string): SourceRow {
    const s = this.findSource(name);
    if (!s) {
      const known = this.listSources().map((x) => x.name);
      throw new LibraryError(`Unknown source '${name}'. ${known.length ? `Known sources: ${known.join(', ')}.` : "Add one with 'retrovue source add <name> <folder>'."}`);
    }
    return s;
  }

  listSources(): SourceRow[] {
    return this.db.select().from(sources).orderBy(asc(sources.name)).all();
  }

  listCollections(sourceId?: number): (CollectionRow & { sourceName: string; assetCount: number; readyCount: number })[] {
    const rows = this.db
      .select({ c: collections, sourceName: sources.name })
      .from(collections)
      .innerJoin(sources, eq(collections.sourceId, sources.id))
      .where(sourceId === undefined ? undefined : eq(collections.sourceId, sourceId))
      .orderBy(asc(sources.name), asc(collections.name))
      .all();
    const counts = new Map(
      this.db
        .select({
          collectionId: assets.collectionId,
          all: sql<number>`sum(${assets.state} <> 'retired')`,
          ready: sql<number>`sum(${assets.state} = 'ready')`,
        })
        .from(assets)
        .groupBy(assets.collectionId)
        .all()
        .map((c) => [c.collectionId, c]),
    );
    return rows.map((r) => ({ ...r.c, sourceName: r.sourceName, assetCount: counts.get(r.c.id)?.all ?? 0, readyCount: counts.get(r.c.id)?.ready ?? 0 }));
  }

  /** A collection by name ("shows/Space Patrol"), optionally qualified "source:name". */
  findCollection(ref: string): CollectionRow | undefined {
    const [sourceName, name] = ref.includes(':') ? (ref.split(/:(.*)/s) as [string, string]) : [undefined, ref];
    const matches = this.listCollections().filter((c) => (c.name === name || String(c.id) === name) && (!sourceName || c.sourceName === sourceName));
    if (matches.length > 1) throw new LibraryError(`Collection '${ref}' exists in several sources (${matches.map((m) => m.sourceName).join(', ')}); write it as source:collection.`);
    return matches[0];
  }

  listAssets(filter: AssetFilter = {}): AssetRow[] {
    const where: SQL[] = [];
    if (filter.state) where.push(eq(assets.state, filter.state));
    if (filter.kind) where.push(eq(assets.kind, filter.kind));
    if (filter.collectionId !== undefined) where.push(eq(assets.collectionId, filter.collectionId));
    if (filter.sourceId !== undefined) where.push(eq(assets.sourceId, filter.sourceId));
    return this.db.select().from(assets).where(where.length ? and(...where) : undefined).orderBy(asc(assets.relPath)).all();
  }

  /** One page of assets in path order, and how many match in all (for a bounded listing). */
  pageAssets(filter: AssetFilter, limit: number, offset: number): { total: number; rows: AssetRow[] } {
    const where: SQL[] = [];
    if (filter.state) where.push(eq(assets.state, filter.state));
    if (filter.kind) where.push(eq(assets.kind, filter.kind));
    if (filter.collectionId !== undefined) where.push(eq(assets.collectionId, filter.collectionId));
    if (filter.sourceId !== undefined) where.push(eq(assets.sourceId, filter.sourceId));
    const cond = where.length ? and(...where) : undefined;
    const total = this.db.select({ n: sql<number>`count(*)` }).from(assets).where(cond).get()?.n ?? 0;
    const rows = this.db.select().from(assets).where(cond).orderBy(asc(assets.relPath), asc(assets.id)).limit(limit).offset(offset).all();
    return { total, rows };
  }

  /** Assets per state, per source. */
  stateCounts(): { sourceId: number; state: AssetState; n: number }[] {
    return this.db.select({ sourceId: assets.sourceId, state: assets.state, n: sql<number>`count(*)` }).from(assets).groupBy(assets.sourceId, assets.state).all();
  }

  /** Ready assets of a collection in play order (series order, then path). */
  readyAssetsInCollection(collectionId: number): AssetRow[] {
    return this.listAssets({ collectionId, state: 'ready' }).sort(
      (a, b) => (a.season ?? 0) - (b.season ?? 0) || (a.episode ?? 0) - (b.episode ?? 0) || a.relPath.localeCompare(b.relPath),
    );
  }

  getAsset(id: number): AssetRow | undefined {
    return this.db.select().from(assets).where(eq(assets.id, id)).get();
  }

  requireAsset(id: number): AssetRow {
    const a = this.getAsset(id);
    if (!a) throw new LibraryError(`No asset with id ${id}. List them with 'retrovue asset list'.`);
    return a;
  }

  /** The one writer of asset state: checks the lifecycle and records why. */
  transition(id: number, to: AssetState, reason: string | null = null, extra: Partial<typeof assets.$inferInsert> = {}): void {
    const current = this.requireAsset(id);
    assertTransition(current.state, to);
    this.db
      .update(assets)
      .set({ ...extra, state: to, stateReason: reason, updatedAtMs: this.clock.nowMs() })
      .where(eq(assets.id, id))
      .run();
  }

  transitionMany(ids: number[], to: AssetState, reason: string | null): void {
    if (ids.length === 0) return;
    const rows = this.db.select({ id: assets.id, state: assets.state }).from(assets).where(inArray(assets.id, ids)).all();
    for (const r of rows) assertTransition(r.state, to);
    this.db.update(assets).set({ state: to, stateReason: reason, updatedAtMs: this.clock.nowMs() }).where(inArray(assets.id, ids)).run();
  }

  setKind(id: number, kind: AssetKind): void {
    if (!ASSET_KINDS.includes(kind)) throw new LibraryError(`Unknown kind '${kind}'. Use one of: ${ASSET_KINDS.join(', ')}.`);
    this.requireAsset(id);
    this.db.update(assets).set({ kind, kindLocked: true, updatedAtMs: this.clock.nowMs() }).where(eq(assets.id, id)).run();
  }
}
