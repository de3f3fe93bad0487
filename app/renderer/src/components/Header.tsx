import { useConsole } from '../store.ts';
import { useStationNowFrames } from '../hooks.ts';
import { formatStationDate, formatUtcOffset, formatWallClock } from '../format.ts';

const CLOCK_FPS = 30;

function StationClock() {
  const clock = useConsole((s) => s.clock);
  const now = useStationNowFrames(CLOCK_FPS);
  const station = clock.source === 'station';
  return (
    <div className={`clock ${station ? '' : 'clock--local'}`} data-testid="station-clock" title={station ? 'Station time, from the station' : 'Desktop time: the station has not given a time reference yet'}>
      <div className="clock__time">{formatWallClock(now, clock.utcOffsetMin, CLOCK_FPS)}</div>
      <div className="clock__meta">
        <span className={`clock__ref ${station ? 'clock__ref--ok' : ''}`}>{station ? 'STN REF' : 'LOCAL'}</span>
        <span>{formatStationDate(now, clock.utcOffsetMin)}</span>
        <span>{station ? formatUtcOffset(clock.utcOffsetMin) : 'UTC'}</span>
      </div>
    </div>
  );
}

function LinkTally() {
  const link = useConsole((s) => s.link);
  const apiBase = useConsole((s) => s.apiBase);
  const tone = link === 'ok' ? 'green' : link === 'connecting' ? 'amber' : 'red';
  const label = link === 'ok' ? 'LINK' : link === 'connecting' ? 'CONNECTING' : 'NO LINK';
  return (
    <span className={`tally tally--${tone} tally--large`} title={apiBase ?? 'no station address'} data-testid="link-tally">
      <span className="tally__lamp" aria-hidden="true" />
      {label}
    </span>
  );
}

export function Header() {
  const channels = useConsole((s) => s.channels);
  const onAir = channels.filter((c) => c.producerStatus === 'running' || c.producerStatus === 'degraded').length;
  const viewers = channels.reduce((n, c) => n + (c.viewerCount || 0), 0);
  return (
    <header className="header">
      <div className="brand">
        <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
          <rect x="2" y="6" width="28" height="20" rx="4" fill="none" stroke="currentColor" strokeWidth="2.5" />
          <circle cx="24" cy="11" r="2.5" fill="var(--red)" />
          <path d="M8 20l4-6 4 4 3-3 5 5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
        </svg>
        <div>
          <div className="brand__name">RETROVUE</div>
          <div className="brand__sub">MASTER CONTROL</div>
        </div>
      </div>
      <StationClock />
      <div className="header__status">
        <div className="stat">
          <div className="stat__value">{onAir}<span className="stat__of">/{channels.length}</span></div>
          <div className="stat__label">ON AIR</div>
        </div>
        <div className="stat">
          <div className="stat__value">{viewers}</div>
          <div className="stat__label">VIEWERS</div>
        </div>
        <LinkTally />
      </div>
    </header>
  );
}
