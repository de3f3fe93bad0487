import { useLibrary } from '../library-store.ts';
import { useConsole } from '../store.ts';

/** Collections (one per folder) with ready/total; choosing one filters the assets. */
export function CollectionList() {
  const apiBase = useConsole((s) => s.apiBase);
  const collections = useLibrary((s) => s.collections);
  const chosen = useLibrary((s) => s.filter.collection);
  const loadAssets = useLibrary((s) => s.loadAssets);
  const pick = (id: number | null): void => {
    if (apiBase) void loadAssets(apiBase, { collection: id, offset: 0 });
  };
  return (
    <section className="panel collections" aria-label="Collections">
      <div className="panel__head">
        <h2>COLLECTIONS</h2>
        <span className="panel__hint">ready / files</span>
      </div>
      {collections?.state === 'ok' ? (
        <ul className="collections__list">
          <li>
            <button type="button" className={`collection ${chosen === null ? 'collection--on' : ''}`} onClick={() => pick(null)} data-testid="collection-all">
              <span>All collections</span>
            </button>
          </li>
          {collections.data.map((c) => (
            <li key={c.id}>
              <button type="button" className={`collection ${chosen === c.id ? 'collection--on' : ''}`} onClick={() => pick(c.id)} data-testid={`collection-${c.name}`} title={`${c.source}: ${c.name}`}>
                <span className="collection__name">{c.name}</span>
                <span className={`mono collection__count ${c.readyCount < c.assetCount ? 'collection__count--short' : ''}`}>
                  {c.readyCount}/{c.assetCount}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <div className="empty">{collections?.state === 'error' ? collections.message : 'Loading…'}</div>
      )}
    </section>
  );
}
