import type { ChannelStatusDto } from '../../../shared/types.ts';
import { formatDuration, formatWallClock } from '../format.ts';
import { useGuide } from '../guide-store.ts';
import { useMultiview } from '../multiview-store.ts';
import { useConsole } from '../store.ts';
import { TALLY_TONE, tileTally } from '../tile-tally.ts';
import { useUi } from '../ui-store.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ModeBadge } from './Tally.tsx';
import { TileVideo } from './TileVideo.tsx';
import { TitleCard } from './TitleCard.tsx';

/** One channel in the multiview: picture (or title card), tally, now and next, viewers, audio. */
export function ChannelTile({ channel, nowMs }: { channel: ChannelStatusDto; nowMs: number }) {
  const selected = useConsole((s) => s.selected === channel.number);
  const select = useConsole((s) => s.select);
  const utcOffsetMin = useConsole((s) => s.clock.utcOffsetMin);
  const live = useMultiview((s) => s.live.includes(channel.number));
  const audible = useMultiview((s) => s.audio === channel.number);
  const cap = useMultiview((s) => s.liveCap);
  const { takeLive, drop, soloAudio } = useMultiview();
  const setEnlarged = useUi((s) => s.setEnlarged);
  const next = useGuide((s) => s.next[channel.number] ?? null);
  const tally = tileTally(channel);
  const np = channel.nowPlaying;

  const n = channel.number;
  return (
    <article
      className={`tile tile--${TALLY_TONE[tally]} ${selected ? 'tile--selected' : ''}`}
      data-testid={`tile-${n}`}
      data-tally={tally}
      data-live={live}
      aria-label={`Channel ${n} ${channel.name}: ${tally}`}
      onClick={() => select(n)}
      onDoubleClick={() => {
        select(n);
        setEnlarged(true);
      }}
    >
      <div
        className="tile__monitor"
        onClick={() => {
          if (!live && cap > 0) takeLive(n);
        }}
      >
        {live ? <TileVideo number={n} streamUrl={channel.streamUrl} audible={audible} /> : <TitleCard channel={channel} canGoLive={cap > 0} />}
        <span className={`tile__tally tile__tally--${TALLY_TONE[tally]}`} data-testid={`tile-tally-${n}`}>
          {tally}
        </span>
        <span className="tile__number mono">CH {String(n).padStart(2, '0')}</span>
        {audible && <span className="tile__audio-on">♪ AUDIO</span>}
        <div className="tile__controls" onClick={(e) => e.stopPropagation()}>
          <button type="button" className={`btn btn--small ${live ? 'btn--active' : ''}`} disabled={!live && cap === 0} onClick={() => (live ? drop(n) : takeLive(n))} data-testid={`tile-live-${n}`}>
            {live ? 'LIVE' : 'CARD'}
          </button>
          <button type="button" className={`btn btn--small ${audible ? 'btn--active' : ''}`} disabled={!live} onClick={() => soloAudio(n)} aria-pressed={audible} data-testid={`tile-audio-${n}`}>
            {audible ? 'SOLO' : 'MUTE'}
          </button>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => {
              select(n);
              setEnlarged(true);
            }}
            data-testid={`tile-enlarge-${n}`}
          >
            ENLARGE
          </button>
        </div>
      </div>
      <div className="tile__info">
        <div className="tile__head">
          <span className="tile__name" title={channel.name}>{channel.name}</span>
          <ModeBadge mode={channel.mode} />
          <span className="tile__viewers mono" title="Viewers tuned in now" data-testid={`tile-viewers-${n}`}>
            {channel.viewerCount} <small>VIEW</small>
          </span>
        </div>
        <div className="tile__now">
          <span className="tile__label">NOW</span>
          <span className="tile__title" title={np?.title}>{np ? np.title : 'Nothing scheduled'}</span>
          {np && <span className="tile__remain mono">−{formatDuration(Date.parse(np.end) - nowMs)}</span>}
        </div>
        {np && <ProgressBar start={np.start} end={np.end} nowMs={nowMs} tone={tally === 'ON AIR' ? 'live' : 'neutral'} />}
        <div className="tile__next">
          <span className="tile__label">NEXT</span>
          <span className="tile__title" title={next?.title}>{next ? next.title : '—'}</span>
          {next && <span className="mono">{formatWallClock(Date.parse(next.start), utcOffsetMin).slice(0, 5)}</span>}
        </div>
      </div>
    </article>
  );
}
