import { useEffect, useLayoutEffect, useRef } from 'react';
import type { EpgEntryDto } from '../../../shared/types.ts';
import { formatStationDate, formatWallClock } from '../format.ts';
import { useStationNow } from '../hooks.ts';
import { useSchedule } from '../schedule-store.ts';
import { monoNow, stationNowMs } from '../station-clock.ts';
import { useConsole } from '../store.ts';
import { PlaylogDrawer } from './PlaylogDrawer.tsx';

/** Horizontal scale: a 30-minute column is 120 px. */
export const PX_PER_MIN = 4;
const HALF_HOUR = 30 * 60_000;
const ROW_LABEL_PX = 168;

const x = (ms: number, fromMs: number): number => ((ms - fromMs) / 60_000) * PX_PER_MIN;

function Block({ channel, entry, fromMs, toMs, nowMs }: { channel: number; entry: EpgEntryDto; fromMs: number; toMs: number; nowMs: number }) {
  const apiBase = useConsole((s) => s.apiBase);
  const utc = useConsole((s) => s.clock.utcOffsetMin);
  const openBlock = useSchedule((s) => s.openBlock);
  const isOpen = useSchedule((s) => s.open?.channel === channel && s.open.entry.start === entry.start);
  const start = Math.max(Date.parse(entry.start), fromMs);
  const end = Math.min(Date.parse(entry.end), toMs);
  if (end <= start) return null;
  const onAir = Date.parse(entry.start) <= nowMs && nowMs < Date.parse(entry.end);
  const episode = entry.season !== null || entry.episode !== null ? `S${String(entry.season ?? 0).padStart(2, '0')}E${String(entry.episode ?? 0).padStart(2, '0')}` : null;
  return (
    <button
      type="button"
      className={`block block--${entry.kind} ${onAir ? 'block--onair' : ''} ${entry.carryOver ? 'block--carry' : ''} ${isOpen ? 'block--open' : ''}`}
      style={{ left: x(start, fromMs), width: Math.max(2, x(end, fromMs) - x(start, fromMs)) }}
      title={`${entry.title}${entry.subtitle ? ` — ${entry.subtitle}` : ''}\n${formatWallClock(Date.parse(entry.start), utc)}–${formatWallClock(Date.parse(entry.end), utc)}${entry.carryOver ? '\ncarries over the broadcast-day start' : ''}`}
      onClick={() => apiBase && void openBlock(apiBase, { channel, entry })}
      data-testid="grid-block"
      data-channel={channel}
      data-start={entry.start}
      data-end={entry.end}
      data-carry={entry.carryOver}
    >
      <span className="block__title">{entry.title}</span>
      <span className="block__meta mono">
        {formatWallClock(Date.parse(entry.start), utc).slice(0, 5)}
        {episode && ` · ${episode}`}
        {entry.carryOver && ' · CARRY-OVER'}
      </span>
    </button>
  );
}

/** Channels down, time across: the guide as blocks sized to their real length, with the now line and day starts. */
export function ScheduleGrid() {
  const apiBase = useConsole((s) => s.apiBase);
  const channels = useConsole((s) => s.channels);
  const utc = useConsole((s) => s.clock.utcOffsetMin);
  const clockSource = useConsole((s) => s.clock.source);
  const { fromMs, toMs, rows, load } = useSchedule();
  const nowMs = useStationNow(15_000);
  const scroller = useRef<HTMLDivElement | null>(null);
  const numbers = channels.map((c) => c.number).join(',');

  // Load once the station clock is known, and again every five minutes.
  useEffect(() => {
    if (!apiBase || !numbers || clockSource !== 'station') return;
    const list = numbers.split(',').map(Number);
    const tick = (): void => void load(apiBase, list, stationNowMs(useConsole.getState().clock, monoNow()));
    tick();
    const id = setInterval(tick, 5 * 60_000);
    return () => clearInterval(id);
  }, [apiBase, numbers, clockSource, load]);

  // Start with now near the left edge.
  const scrolled = useRef(false);
  useLayoutEffect(() => {
    if (scrolled.current || fromMs === null || !scroller.current) return;
    scrolled.current = true;
    scroller.current.scrollLeft = Math.max(0, x(nowMs, fromMs) - 240);
  }, [fromMs, nowMs]);

  if (fromMs === null || toMs === null) return <section className="panel grid-view"><div className="empty">Waiting for the station clock…</div></section>;
  const width = x(toMs, fromMs);
  const columns: number[] = [];
  for (let t = fromMs; t < toMs; t += HALF_HOUR) columns.push(t);
  const dayStarts = new Set<string>();
  for (const r of Object.values(rows)) if (r.state === 'ok') for (const d of r.data.dayStarts) dayStarts.add(d);

  return (
    <section className="panel grid-view" aria-label="Schedule grid">
      <div className="panel__head">
        <h2>SCHEDULE</h2>
        <span className="panel__hint">30-minute columns · red line: now · amber: broadcast-day start (06:00) · ↦ carry-over</span>
      </div>
      <div className="grid-view__body">
        <div className="grid" ref={scroller} data-testid="schedule-grid" data-from={new Date(fromMs).toISOString()} data-px-per-min={PX_PER_MIN}>
          <div className="grid__inner" style={{ width: width + ROW_LABEL_PX }}>
            <div className="grid__times" style={{ paddingLeft: ROW_LABEL_PX }}>
              <div className="grid__corner">CH</div>
              {columns.map((t) => (
                <div key={t} className={`grid__time ${(t / HALF_HOUR) % 2 === 0 ? 'grid__time--hour' : ''}`} style={{ left: ROW_LABEL_PX + x(t, fromMs), width: x(t + HALF_HOUR, fromMs) - x(t, fromMs) }}>
                  <span className="mono">{formatWallClock(t, utc).slice(0, 5)}</span>
                </div>
              ))}
              {[...dayStarts].map((d) => (
                <div key={d} className="grid__day-label" style={{ left: ROW_LABEL_PX + x(Date.parse(d), fromMs) }}>
                  {formatStationDate(Date.parse(d), utc)}
                </div>
              ))}
            </div>
            {channels.map((c) => {
              const row = rows[c.number];
              return (
                <div key={c.number} className="grid__row" data-testid={`grid-row-${c.number}`}>
                  <div className="grid__label">
                    <span className="mono grid__num">{String(c.number).padStart(2, '0')}</span>
                    <span className="grid__name">{c.name}</span>
                  </div>
                  <div className="grid__track" style={{ width }}>
                    {columns.map((t) => (
                      <div key={t} className="grid__col" style={{ left: x(t, fromMs) }} />
                    ))}
                    {!row || row.state === 'loading' ? (
                      <span className="grid__note">Loading…</span>
                    ) : row.state === 'error' ? (
                      <span className="grid__note grid__note--error" title={row.hint}>{row.message}</span>
                    ) : row.data.planKind === 'guide' ? (
                      <span className="grid__note">Guide channel: every channel's listings, all day</span>
                    ) : row.data.entries.length === 0 ? (
                      <span className="grid__note">Nothing built in this span (built until {row.data.builtUntil ?? 'nothing'})</span>
                    ) : (
                      row.data.entries.map((e) => <Block key={e.start} channel={c.number} entry={e} fromMs={fromMs} toMs={toMs} nowMs={nowMs} />)
                    )}
                  </div>
                </div>
              );
            })}
            {[...dayStarts].map((d) => (
              <div key={d} className="grid__day" style={{ left: ROW_LABEL_PX + x(Date.parse(d), fromMs) }} data-testid="grid-day-start" data-at={d} />
            ))}
            <div className="grid__now" style={{ left: ROW_LABEL_PX + x(nowMs, fromMs) }} data-testid="grid-now" />
          </div>
        </div>
        <PlaylogDrawer />
      </div>
    </section>
  );
}
