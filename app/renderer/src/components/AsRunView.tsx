import { useEffect } from 'react';
import { deviationTags, isMarker } from '../asrun-deviation.ts';
import { asRunQuery, useAsRun } from '../asrun-store.ts';
import { useConsole } from '../store.ts';
import { AsRunReport } from './AsRunReport.tsx';
import { AsRunTable } from './AsRunTable.tsx';

const REFRESH_MS = 15_000;

/** What actually aired per channel and broadcast day, against the plan, with every deviation marked. */
export function AsRunView() {
  const apiBase = useConsole((s) => s.apiBase);
  const channels = useConsole((s) => s.channels);
  const selected = useConsole((s) => s.selected);
  const { channel, day, entries, report, load } = useAsRun();
  const chosen = channel ?? selected ?? channels[0]?.number ?? null;

  // Load on entry and when the channel or day changes; refresh while shown (today keeps growing).
  useEffect(() => {
    if (!apiBase || chosen === null) return;
    void load(apiBase, chosen, useAsRun.getState().day);
    const id = setInterval(() => void load(apiBase, chosen, useAsRun.getState().day), REFRESH_MS);
    return () => clearInterval(id);
  }, [apiBase, chosen, load]);

  const rows = entries?.state === 'ok' ? entries.data : [];
  const deviations = rows.filter((e) => !isMarker(e) && deviationTags(e).length > 0).length;
  const csv = apiBase && chosen !== null && day ? `${apiBase}/api/asrun?${asRunQuery(chosen, day)}&format=csv` : undefined;

  return (
    <div className="asrun-view">
      <section className="panel asrun-main" aria-label="As-run log">
        <div className="panel__head asrun-toolbar">
          <h2>AS-RUN</h2>
          <label className="asrun-toolbar__field">
            CHANNEL
            <select value={chosen ?? ''} onChange={(e) => apiBase && void load(apiBase, Number(e.target.value), day)} data-testid="asrun-channel">
              {channels.map((c) => (
                <option key={c.number} value={c.number}>
                  {String(c.number).padStart(2, '0')} {c.name}
                </option>
              ))}
            </select>
          </label>
          <label className="asrun-toolbar__field">
            BROADCAST DAY
            <input type="date" value={day ?? ''} required onChange={(e) => apiBase && chosen !== null && e.target.value && void load(apiBase, chosen, e.target.value)} data-testid="asrun-day" />
          </label>
          <span className="asrun-toolbar__count mono" data-testid="asrun-count">
            {rows.length} entries · <span className={deviations ? 'asrun-toolbar__dev' : ''}>{deviations} deviations</span>
          </span>
          <a className={`btn btn--small ${csv ? '' : 'btn--off'}`} href={csv} download data-testid="asrun-csv">
            EXPORT CSV
          </a>
        </div>
        {!entries || entries.state === 'loading' ? (
          <div className="empty">Loading the as-run log…</div>
        ) : entries.state === 'error' ? (
          <div className="empty" role="alert">
            {entries.message}
            {entries.hint && <div className="panel__hint">{entries.hint}</div>}
          </div>
        ) : rows.length === 0 ? (
          <div className="empty" data-testid="asrun-empty">Nothing aired on channel {chosen} on {day}: the channel airs only while someone watches.</div>
        ) : (
          <AsRunTable entries={rows} />
        )}
      </section>
      {report?.state === 'ok' && <AsRunReport report={report.data} />}
      {report?.state === 'error' && entries?.state === 'ok' && (
        <aside className="panel asrun-report">
          <div className="empty" role="alert">{report.message}</div>
        </aside>
      )}
    </div>
  );
}
