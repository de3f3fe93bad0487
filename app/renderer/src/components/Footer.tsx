import { useConsole } from '../store.ts';
import { useStationNow } from '../hooks.ts';
import { monoNow } from '../station-clock.ts';
import { useHealth } from '../health-store.ts';

export function Footer() {
  const apiBase = useConsole((s) => s.apiBase);
  const last = useConsole((s) => s.lastUpdateMono);
  const link = useConsole((s) => s.link);
  const feed = useHealth((s) => s.feed);
  useStationNow(500); // re-render so the age below stays current
  const age = last === null ? null : Math.max(0, (monoNow() - last) / 1000);
  return (
    <footer className="footer mono">
      <span>STATION {apiBase ?? '—'}</span>
      <span className={link === 'ok' && age !== null && age < 3 ? '' : 'footer__stale'}>
        {age === null ? 'no update yet' : `updated ${age < 1 ? 'just now' : `${age.toFixed(0)} s ago`}`}
      </span>
      <span data-testid="feed">{feed === 'events' ? 'LIVE FEED' : feed === 'polling' ? 'POLLING' : '—'}</span>
      <span>M3U {apiBase ? `${apiBase}/iptv/channels.m3u` : '—'}</span>
    </footer>
  );
}
