import type { AsRunReportDto } from '../../../shared/types.ts';
import { formatDuration, formatWallClock, kindLabel } from '../format.ts';
import { useConsole } from '../store.ts';

/** Planned vs aired per kind for the day, and what was planned while on air but never aired. */
export function AsRunReport({ report }: { report: AsRunReportDto }) {
  const utc = useConsole((s) => s.clock.utcOffsetMin);
  return (
    <aside className="panel asrun-report" aria-label="Planned versus aired" data-testid="asrun-report">
      <div className="panel__head">
        <h2>PLANNED vs AIRED</h2>
        <span className="panel__hint mono">on air {formatDuration(report.onAirMs)}</span>
      </div>
      <div className="asrun-report__body">
        <table className="asrun-report__kinds">
          <thead>
            <tr>
              <th>KIND</th>
              <th>PLANNED</th>
              <th>AIRED</th>
              <th>DEV</th>
            </tr>
          </thead>
          <tbody>
            {report.kinds.map((k) => (
              <tr key={k.kind} data-testid="asrun-kind" data-kind={k.kind}>
                <td><span className={`kind kind--${k.kind}`}>{kindLabel(k.kind)}</span></td>
                <td className="mono">{k.plannedCount} · {formatDuration(k.plannedMs)}</td>
                <td className={`mono ${k.airedCount < k.plannedCount ? 'asrun-report__short' : ''}`}>{k.airedCount} · {formatDuration(k.airedMs)}</td>
                <td className={`mono ${k.deviations > 0 ? 'asrun-report__dev' : ''}`}>{k.deviations}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="asrun-report__missed">
          <h3>MISSED {report.missed.length > 0 && <span className="dev dev--other">{report.missed.length}</span>}</h3>
          {report.missed.length === 0 ? (
            <div className="panel__hint">Everything planned while on the air aired.</div>
          ) : (
            <ol data-testid="asrun-missed">
              {report.missed.slice(0, 200).map((m) => (
                <li key={m.eventId}>
                  <span className="mono">{formatWallClock(Date.parse(m.plannedStart), utc)}</span>
                  <span className={`kind kind--${m.kind}`}>{kindLabel(m.kind)}</span>
                  <span className="asrun-report__title" title={m.title}>{m.title}</span>
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
    </aside>
  );
}
