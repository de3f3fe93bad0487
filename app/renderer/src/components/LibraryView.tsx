import { useEffect, useRef } from 'react';
import type { ScanStatusDto } from '../../../shared/library-types.ts';
import { useLibrary } from '../library-store.ts';
import { getJson } from '../station-api.ts';
import { useConsole } from '../store.ts';
import { AssetTable } from './AssetTable.tsx';
import { CollectionList } from './CollectionList.tsx';
import { SourceList } from './SourceList.tsx';

/**
 * While a scan runs, read its progress every second too: the live feed pushes it, but a
 * console on the polling fallback has no feed. When it ends, the lists are read again.
 */
function useScanFollow(apiBase: string | null): void {
  const state = useLibrary((s) => s.scan?.state ?? null);
  const previous = useRef(state);
  useEffect(() => {
    if (previous.current === 'running' && state !== 'running' && apiBase) void useLibrary.getState().loadAll(apiBase);
    previous.current = state;
    if (state !== 'running' || !apiBase) return;
    const id = setInterval(() => {
      void getJson<ScanStatusDto>(apiBase, '/api/library/scan').then((s) => useLibrary.getState().applyScan(s), () => undefined);
    }, 1000);
    return () => clearInterval(id);
  }, [apiBase, state]);
}

/** Sources, collections and assets with their state, and the library scan. */
export function LibraryView() {
  const apiBase = useConsole((s) => s.apiBase);
  const loadAll = useLibrary((s) => s.loadAll);
  useEffect(() => {
    if (apiBase) void loadAll(apiBase);
  }, [apiBase, loadAll]);
  useScanFollow(apiBase);
  return (
    <div className="library-view" data-testid="library-view">
      <div className="library-view__side">
        <SourceList />
        <CollectionList />
      </div>
      <AssetTable />
    </div>
  );
}
