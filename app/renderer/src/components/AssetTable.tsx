import type { AssetState } from '../../../shared/types.ts';
import { formatDuration, kindLabel } from '../format.ts';
import { PAGE_SIZE, useLibrary } from '../library-store.ts';
import { useConsole } from '../store.ts';

const FILTERS: (AssetState | null)[] = [null, 'ready', 'enriching', 'new', 'retired'];

/** One page of assets: file, kind, state and, for a file that is not ready, why. */
export function AssetTable() {
  const apiBase = useConsole((s) => s.apiBase);
  const assets = useLibrary((s) => s.assets);
  const filter = useLibrary((s) => s.filter);
  const loadAssets = useLibrary((s) => s.loadAssets);
  const go = (change: Parameters<typeof loadAssets>[1]): void => {
    if (apiBase) void loadAssets(apiBase, change);
  };
  const page = assets?.state === 'ok' ? assets.data : null;
  return (
    <section className="panel assets" aria-label="Assets">
      <div className="panel__head assets__head">
        <h2>ASSETS</h2>
        <div className="filters" role="group" aria-label="State">
          {FILTERS.map((f) => (
            <button key={f ?? 'all'} type="button" className={`filters__btn ${filter.state === f ? 'filters__btn--on' : ''}`} aria-pressed={filter.state === f} onClick={() => go({ state: f, offset: 0 })} data-testid={`asset-filter-${f ?? 'all'}`}>
              {f ? f.toUpperCase() : 'ALL'}
            </button>
          ))}
        </div>
        {page && (
          <span className="assets__pager mono">
            <button type="button" className="btn btn--small" disabled={filter.offset === 0} onClick={() => go({ offset: Math.max(0, filter.offset - PAGE_SIZE) })}>
              ‹
            </button>
            <span data-testid="asset-range">
              {page.total === 0 ? 0 : page.offset + 1}–{page.offset + page.assets.length} of {page.total}
            </span>
            <button type="button" className="btn btn--small" disabled={page.offset + page.assets.length >= page.total} onClick={() => go({ offset: filter.offset + PAGE_SIZE })}>
              ›
            </button>
          </span>
        )}
      </div>
      {!assets || assets.state === 'loading' ? (
        <div className="empty">Loading…</div>
      ) : assets.state === 'error' ? (
        <div className="empty" role="alert">{assets.message}{assets.hint && <div className="panel__hint">{assets.hint}</div>}</div>
      ) : assets.data.assets.length === 0 ? (
        <div className="empty">No assets{filter.state ? ` in state ${filter.state}` : ''}.</div>
      ) : (
        <div className="assets__scroll">
          <table className="asset-table" data-testid="asset-table">
            <thead>
              <tr>
                <th>FILE</th>
                <th>KIND</th>
                <th>STATE</th>
                <th>LENGTH</th>
                <th>WHY NOT READY</th>
              </tr>
            </thead>
            <tbody>
              {assets.data.assets.map((a) => (
                <tr key={a.id} data-testid="asset-row" data-file={a.file} data-state={a.state}>
                  <td className="asset-table__file" title={a.title}>
                    <span className="asset-table__name">{a.file}</span>
                    <span className="asset-table__meta mono">
                      {a.collection} · {[a.video, a.audio].filter(Boolean).join(' · ') || 'no streams known'}
                    </span>
                  </td>
                  <td><span className={`kind kind--${a.kind}`}>{kindLabel(a.kind)}</span></td>
                  <td><span className={`state state--${a.state}`}>{a.state}</span></td>
                  <td className="mono">{a.durationMs !== null ? formatDuration(a.durationMs) : '—'}</td>
                  <td className="asset-table__reason" title={a.reason ?? undefined} data-testid="asset-reason">{a.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
