import type { ChannelStatusDto } from '../../../shared/types.ts';
import { kindLabel } from '../format.ts';

/** What an off-air tile shows instead of video: the channel and what is on, and how to go live. */
export function TitleCard({ channel, canGoLive }: { channel: ChannelStatusDto; canGoLive: boolean }) {
  const np = channel.nowPlaying;
  return (
    <div className="card" data-testid={`tile-card-${channel.number}`}>
      <span className="card__number mono">{String(channel.number).padStart(2, '0')}</span>
      <span className="card__title">{np ? np.title : 'Nothing scheduled'}</span>
      {np && <span className="card__kind">{kindLabel(np.kind)}</span>}
      <span className="card__hint">{canGoLive ? 'CLICK TO TAKE LIVE' : 'LIVE CAP 0: RAISE IT TO WATCH'}</span>
    </div>
  );
}
