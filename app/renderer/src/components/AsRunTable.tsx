import type { AsRunEntryDto } from '../../../shared/types.ts';
import { deviationTags, isMarker, TAG_LABEL } from '../asrun-deviation.ts';
import { formatDuration, formatWallClock, kindLabel } from '../format.ts';
import { useConsole } from '../store.ts';

/**
 * Actual minus planned start, as "+0.4 s" / "−1:02"; blank when nothing was planned. An entry
 * that opens an airing (right after the on-air marker) joined its event part-way by design:
 * the channel goes on the air when a viewer tunes in, at the right offset. That is no late
 * start, so it says where it joined instead.
 */
function startDelta(e: AsRunEntryDto, joined: boolean): string {
  if (!e.plannedStart) return '';
  const d = Date.parse(e.actualStart) - Date.parse(e.plannedStart);
  if (joined && d >= 1000) return `joined +${formatDuration(d)}`;
  const sign = d < 0 ? '−' : '+';
  const abs = Math.abs(d);
  return abs < 60_000 ? `${sign}${(abs / 1000).toFixed(1)} s` : `${sign}${formatDuration(abs)}`;
}

function Row({ e, utc, joined }: { e: AsRunEntryDto; utc: number; joined: boolean }) {
  const t = (iso: string | null): string => (iso ? formatWallClock(Date.parse(iso), utc) : '—');
  const marker = isMarker(e);
  const tags = deviationTags(e);
  const cls = ['asrun__row', marker ? `asrun__row--marker asrun__row--${e.kind}` : '', tags.length ? 'asrun__row--deviation' : '', e.status === 'open' ? 'asrun__row--open' : ''].filter(Boolean).join(' ');
  return (
    <tr className={cls} data-testid="asrun-entry" data-kind={e.kind} data-deviation={tags.join(' ') || undefined} data-status={e.status}>
      <td className="mono">{t(e.plannedStart)}</td>
      <td className="mono">{t(e.actualStart)}</td>
      <td className={`mono asrun__delta ${joined ? 'asrun__delta--joined' : ''}`}>{startDelta(e, joined)}</td>
      <td className="mono">{marker ? '' : e.actualEnd ? formatDuration(Date.parse(e.actualEnd) - Date.parse(e.actualStart)) : 'ON AIR'}</td>
      <td className="mono asrun__frames">{marker ? '' : e.frames.toLocaleString('en-US')}</td>
      <td>
        {marker ? <span className={`asrun__marker asrun__marker--${e.kind}`}>{e.kind === 'on-air' ? '▶ ON AIR' : '■ OFF AIR'}</span> : <span className={`kind kind--${e.kind}`}>{kindLabel(e.kind)}</span>}
      </td>
      <td className="asrun__title" title={e.title}>{e.title}</td>
      <td>
        <div className="asrun__flags">
          {tags.map((tag) => (
            <span key={tag} className={`dev dev--${tag}`} data-testid={`dev-${tag}`}>{TAG_LABEL[tag]}</span>
          ))}
          {e.deviation && <span className="asrun__why" title={e.deviation}>{e.deviation}</span>}
        </div>
      </td>
    </tr>
  );
}

/** What aired, in order: planned and actual start, the start error, length, frames, and every deviation. */
export function AsRunTable({ entries }: { entries: AsRunEntryDto[] }) {
  const utc = useConsole((s) => s.clock.utcOffsetMin);
  return (
    <div className="asrun__scroll">
      <table className="asrun" data-testid="asrun-table">
        <thead>
          <tr>
            <th>PLANNED</th>
            <th>ACTUAL</th>
            <th>Δ START</th>
            <th>LENGTH</th>
            <th>FRAMES</th>
            <th>KIND</th>
            <th>TITLE</th>
            <th>DEVIATION</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => {
            const before = entries[i - 1];
            const joined = before?.kind === 'on-air' && Math.abs(Date.parse(e.actualStart) - Date.parse(before.actualStart)) < 2000;
            return <Row key={e.id} e={e} utc={utc} joined={joined} />;
          })}
        </tbody>
      </table>
    </div>
  );
}
