import type { ChannelStatusDto } from '../../../shared/types.ts';
import { kindLabel } from '../format.ts';
import { usePosterFrame } from '../poster-frame.ts';
import { useConsole } from '../store.ts';

/**
 * What an off-air tile shows instead of video: a still of what is on now (from the station),
 * else a title card; with what is on, and how to go live.
 */
export function TitleCard({ channel, canGoLive }: { channel: ChannelStatusDto; canGoLive: boolean }) {
  const apiBase = useConsole((s) => s.apiBase);
  const np = channel.nowPlaying;
  const poster = usePosterFrame(apiBase, channel.number, np !== null, np?.eventId ?? null);
  const hint = <span className="card__hint">{canGoLive ? 'CLICK TO TAKE LIVE' : 'LIVE CAP 0: RAISE IT TO WATCH'}</span>;
  if (poster.state === 'loaded') {
    return (
      <div className="card card--poster" data-testid={`tile-poster-${channel.number}`}>
        <img className="card__still" src={poster.src} alt={np ? `Still of ${np.title}` : ''} draggable={false} />
        <span className="card__still-tag mono">STILL</span>
        {hint}
      </div>
    );
  }
  return (
    <div className="card" data-testid={`tile-card-${channel.number}`} data-poster={poster.state}>
      <span className="card__number mono">{String(channel.number).padStart(2, '0')}</span>
      <span className="card__title">{np ? np.title : 'Nothing scheduled'}</span>
      {np && <span className="card__kind">{kindLabel(np.kind)}</span>}
      {hint}
    </div>
  );
}
