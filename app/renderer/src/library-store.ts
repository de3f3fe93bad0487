/**
 * The library view's data: sources, collections, one page of assets under the chosen
 * filter, and the station's library scan (started here, followed by the live feed's `scan`
 * events or by reading /api/library/scan while it runs).
 */
import { create } from 'zustand';
import type { LibraryAssetPageDto, LibraryCollectionDto, LibrarySourceDto, ScanStatusDto } from '../../shared/library-types.ts';
import type { AssetState } from '../../shared/types.ts';
import { StationError } from './api.ts';
import type { Loadable } from './schedule-store.ts';
import { getJson, isApiError, postControl } from './station-api.ts';

export const PAGE_SIZE = 100;

export interface AssetFilter {
  state: AssetState | null;
  /** Collection id, or null for all. */
  collection: number | null;
  offset: number;
}

export interface LibraryStore {
  sources: Loadable<LibrarySourceDto[]> | null;
  collections: Loadable<LibraryCollectionDto[]> | null;
  assets: Loadable<LibraryAssetPageDto> | null;
  filter: AssetFilter;
  scan: ScanStatusDto | null;
  /** The station's refusal of the last scan request, in its words. */
  scanProblem: string | null;
  loadAll(apiBase: string): Promise<void>;
  loadAssets(apiBase: string, filter: Partial<AssetFilter>): Promise<void>;
  applyScan(s: ScanStatusDto): void;
  startScan(apiBase: string, token: string | null, source: string): Promise<void>;
}

function failure(err: unknown): { state: 'error'; message: string; hint?: string } {
  return err instanceof StationError ? { state: 'error', message: err.message, hint: err.hint } : { state: 'error', message: String(err) };
}

/** The assets query for a filter. Pure, for tests. */
export function assetsQuery(f: AssetFilter): string {
  const q = new URLSearchParams();
  if (f.state) q.set('state', f.state);
  if (f.collection !== null) q.set('collection', String(f.collection));
  q.set('limit', String(PAGE_SIZE));
  q.set('offset', String(f.offset));
  return q.toString();
}

export const useLibrary = create<LibraryStore>()((set, get) => ({
  sources: null,
  collections: null,
  assets: null,
  filter: { state: null, collection: null, offset: 0 },
  scan: null,
  scanProblem: null,
  loadAll: async (apiBase) => {
    const [sources, collections, scan] = await Promise.allSettled([
      getJson<LibrarySourceDto[]>(apiBase, '/api/library/sources'),
      getJson<LibraryCollectionDto[]>(apiBase, '/api/library/collections'),
      getJson<ScanStatusDto>(apiBase, '/api/library/scan'),
    ]);
    set({
      sources: sources.status === 'fulfilled' ? { state: 'ok', data: sources.value } : failure(sources.reason),
      collections: collections.status === 'fulfilled' ? { state: 'ok', data: collections.value } : failure(collections.reason),
      ...(scan.status === 'fulfilled' ? { scan: scan.value } : {}),
    });
    await get().loadAssets(apiBase, {});
  },
  loadAssets: async (apiBase, change) => {
    const filter = { ...get().filter, ...change };
    set({ filter, assets: get().assets ?? { state: 'loading' } });
    try {
      const page = await getJson<LibraryAssetPageDto>(apiBase, `/api/library/assets?${assetsQuery(filter)}`);
      if (get().filter === filter) set({ assets: { state: 'ok', data: page } });
    } catch (err) {
      if (get().filter === filter) set({ assets: failure(err) });
    }
  },
  applyScan: (scan) => set({ scan }),
  startScan: async (apiBase, token, source) => {
    set({ scanProblem: null });
    try {
      const r = await postControl<ScanStatusDto>(apiBase, `/api/library/sources/${encodeURIComponent(source)}/scan`, token, {});
      if (r.status === 202 && r.body && !isApiError(r.body)) set({ scan: r.body });
      else set({ scanProblem: isApiError(r.body) ? `${r.body.error}${r.body.hint ? ` ${r.body.hint}` : ''}` : `The station answered HTTP ${r.status}.` });
    } catch (err) {
      set({ scanProblem: err instanceof Error ? err.message : String(err) });
    }
  },
}));
