import type { ScanStatusDto } from '../../../shared/library-types.ts';

/** The station's library scan: walking, probing n of N (with the file), or what it found. */
export function ScanProgress({ scan }: { scan: ScanStatusDto | null }) {
  if (!scan || scan.state === 'idle') return <div className="scan scan--idle panel__hint" data-testid="scan-status" data-state="idle">No scan since the station started.</div>;
  const pct = scan.total > 0 ? Math.round((scan.done / scan.total) * 100) : scan.state === 'done' ? 100 : 0;
  const s = scan.summary;
  return (
    <div className={`scan scan--${scan.state}`} data-testid="scan-status" data-state={scan.state} role="status">
      <div className="scan__line">
        <strong>{scan.state === 'running' ? 'SCANNING' : scan.state === 'done' ? 'SCANNED' : 'SCAN FAILED'}</strong>
        <span className="mono">{scan.source}</span>
        {scan.state === 'running' && (
          <span className="mono scan__count">
            {scan.phase === 'walking' ? 'reading folders…' : `${scan.done}/${scan.total} probed`}
          </span>
        )}
      </div>
      {scan.state === 'running' && (
        <div className="scan__bar" aria-hidden="true">
          <div className="scan__fill" style={{ width: `${pct}%` }} />
        </div>
      )}
      {scan.state === 'running' && scan.current && <div className="scan__current mono" title={scan.current}>{scan.current}</div>}
      {scan.state === 'done' && s && (
        <div className="scan__summary mono" data-testid="scan-summary">
          {s.filesSeen} files · {s.added} new · {s.changed} changed · {s.ready} ready · {s.failed} failed · {s.retired} retired{s.unreadableFolders ? ` · ${s.unreadableFolders} unreadable folders` : ''}
        </div>
      )}
      {scan.state === 'failed' && <div className="scan__error">{scan.error}</div>}
    </div>
  );
}
