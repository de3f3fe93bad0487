import type { LibrarySourceDto } from '../../../shared/library-types.ts';
import { useDirector } from '../director-store.ts';
import { useLibrary } from '../library-store.ts';
import { useConsole } from '../store.ts';
import { ScanProgress } from './ScanProgress.tsx';

const STATES = ['ready', 'enriching', 'new', 'retired'] as const;

function Source({ s, busy }: { s: LibrarySourceDto; busy: boolean }) {
  const apiBase = useConsole((st) => st.apiBase);
  const token = useDirector((st) => st.token);
  const startScan = useLibrary((st) => st.startScan);
  return (
    <li className="source" data-testid={`source-${s.name}`}>
      <div className="source__head">
        <span className="source__name">{s.name}</span>
        <span className="source__root mono" title="The source folder">{s.rootName}/</span>
        <button
          type="button"
          className="btn btn--small"
          disabled={!token || busy}
          title={token ? 'Scan this folder: new and changed files are probed, vanished ones retired' : 'Needs the control token'}
          onClick={() => apiBase && void startScan(apiBase, token, s.name)}
          data-testid={`scan-${s.name}`}
        >
          SCAN
        </button>
      </div>
      <div className="source__counts">
        {STATES.map((st) => (
          <span key={st} className={`state state--${st}`} data-testid={`source-${s.name}-${st}`}>
            {s.counts[st]} {st}
          </span>
        ))}
      </div>
      <div className="panel__hint">{s.lastScanAt ? `last scan ${s.lastScanAt.slice(0, 16).replace('T', ' ')} UTC` : 'never scanned'}</div>
    </li>
  );
}

/** Each media source with its assets by state, a scan control, and the scan's progress. */
export function SourceList() {
  const sources = useLibrary((s) => s.sources);
  const scan = useLibrary((s) => s.scan);
  const problem = useLibrary((s) => s.scanProblem);
  const busy = scan?.state === 'running';
  return (
    <section className="panel sources" aria-label="Sources">
      <div className="panel__head">
        <h2>SOURCES</h2>
      </div>
      {!sources || sources.state === 'loading' ? (
        <div className="empty">Loading…</div>
      ) : sources.state === 'error' ? (
        <div className="empty" role="alert">{sources.message}</div>
      ) : sources.data.length === 0 ? (
        <div className="empty">No sources. Add one with <code>retrovue source add &lt;name&gt; &lt;folder&gt;</code>.</div>
      ) : (
        <ul className="sources__list">
          {sources.data.map((s) => (
            <Source key={s.name} s={s} busy={busy} />
          ))}
        </ul>
      )}
      <ScanProgress scan={scan} />
      {problem && <div className="scan__error" role="alert" data-testid="scan-problem">{problem}</div>}
    </section>
  );
}
