import type { PlaylogEventDto } from '../../../shared/types.ts';
import { formatDuration, formatWallClock, kindLabel } from '../format.ts';
import { useSchedule } from '../schedule-store.ts';
import { useConsole } from '../store.ts';

/** Programme parts and the breaks between them: a break is every run of non-programme events. */
function groups(events: PlaylogEventDto[]): { kind: 'program' | 'break'; events: PlaylogEventDto[] }[] {
  const out: { kind: 'program' | 'break'; events: PlaylogEventDto[] }[] = [];
  for (const e of events) {
    const kind = e.kind === 'program' ? 'program' : 'break';
    const last = out.at(-1);
    if (last && last.kind === 'break' && kind === 'break') last.events.push(e);
    else out.push({ kind, events: [e] });
  }
  return out;
}

/** The exact playlog of the block the operator opened in the grid. */
export function PlaylogDrawer() {
  const apiBase = useConsole((s) => s.apiBase);
  const utc = useConsole((s) => s.clock.utcOffsetMin);
  const open = useSchedule((s) => s.open);
  const playlog = useSchedule((s) => s.playlog);
  const openBlock = useSchedule((s) => s.openBlock);
  if (!open || !playlog) return null;
  const t = (iso: string): string => formatWallClock(Date.parse(iso), utc);
  let part = 0;
  let breakNo = 0;
  return (
    <aside className="panel drawer" aria-label="Playlog" data-testid="playlog-drawer">
      <div className="panel__head">
        <h2>PLAYLOG · CH {open.channel}</h2>
        <button type="button" className="btn btn--small" onClick={() => apiBase && void openBlock(apiBase, null)} data-testid="playlog-close">
          CLOSE
        </button>
      </div>
      <div className="drawer__title">
        <strong>{open.entry.title}</strong>
        {open.entry.subtitle && <span>{open.entry.subtitle}</span>}
        <span className="mono">
          {t(open.entry.start)} – {t(open.entry.end)} · {formatDuration(Date.parse(open.entry.end) - Date.parse(open.entry.start))}
        </span>
      </div>
      {playlog.state === 'loading' && <div className="empty">Loading the playlog…</div>}
      {playlog.state === 'error' && (
        <div className="empty" role="alert">
          {playlog.message}
          {playlog.hint && <div className="panel__hint">{playlog.hint}</div>}
        </div>
      )}
      {playlog.state === 'ok' &&
        (playlog.data.events.length === 0 ? (
          <div className="empty">No playlog is built for this time yet (built until {playlog.data.builtUntil ?? 'nothing'}).</div>
        ) : (
          <ol className="drawer__list">
            {groups(playlog.data.events).map((g) => (
              <li key={g.events[0]!.id} className={`drawer__group drawer__group--${g.kind}`} data-testid={`playlog-${g.kind}`}>
                <div className="drawer__group-head">{g.kind === 'program' ? `PART ${++part}` : `BREAK ${++breakNo} · ${formatDuration(g.events.reduce((a, e) => a + e.durationMs, 0))}`}</div>
                {g.events.map((e) => (
                  <div key={e.id} className="drawer__event" data-testid="playlog-event" data-kind={e.kind}>
                    <span className="mono drawer__time">{t(e.start)}</span>
                    <span className="mono drawer__dur">{formatDuration(e.durationMs)}</span>
                    <span className={`kind kind--${e.kind}`}>{kindLabel(e.kind)}</span>
                    <span className="drawer__name" title={e.file ?? undefined}>{e.title}</span>
                    <span className="mono drawer__asset" title={e.file ?? 'black and silence'}>{e.assetId !== null ? `#${e.assetId}` : 'pad'}</span>
                  </div>
                ))}
              </li>
            ))}
          </ol>
        ))}
    </aside>
  );
}
