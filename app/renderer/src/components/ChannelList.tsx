import type { ChannelStatusDto } from '../../../shared/types.ts';
import { useConsole } from '../store.ts';
import { useStationNow } from '../hooks.ts';
import { formatDuration, formatWallClock, kindLabel } from '../format.ts';
import { ModeBadge, ProducerTally } from './Tally.tsx';
import { ProgressBar } from './ProgressBar.tsx';

function NowPlaying({ channel, nowMs, utcOffsetMin }: { channel: ChannelStatusDto; nowMs: number; utcOffsetMin: number }) {
  const np = channel.nowPlaying;
  if (!np) return <div className="now now--empty">Nothing scheduled</div>;
  const start = Date.parse(np.start);
  const end = Date.parse(np.end);
  return (
    <div className="now">
      <div className="now__line">
        <span className={`kind kind--${np.kind}`}>{kindLabel(np.kind)}</span>
        <span className="now__title" title={np.title}>{np.title}</span>
      </div>
      <ProgressBar start={np.start} end={np.end} nowMs={nowMs} tone={channel.producerStatus === 'running' ? 'live' : 'neutral'} />
      <div className="now__times mono">
        <span>{formatWallClock(start, utcOffsetMin)}</span>
        <span className="now__remain">−{formatDuration(end - nowMs)}</span>
        <span>{formatWallClock(end, utcOffsetMin)}</span>
      </div>
    </div>
  );
}

function ChannelRow({ channel, selected, nowMs, utcOffsetMin }: { channel: ChannelStatusDto; selected: boolean; nowMs: number; utcOffsetMin: number }) {
  const select = useConsole((s) => s.select);
  return (
    <li>
      <button
        type="button"
        className={`row ${selected ? 'row--selected' : ''} ${channel.enabled === false ? 'row--disabled' : ''}`}
        onClick={() => select(channel.number)}
        aria-pressed={selected}
        data-testid={`channel-${channel.number}`}
      >
        <span className="row__number mono">{String(channel.number).padStart(2, '0')}</span>
        <span className="row__ident">
          <span className="row__name">{channel.name}</span>
          <span className="row__badges">
            <ProducerTally status={channel.producerStatus} />
            <ModeBadge mode={channel.mode} />
            {channel.enabled === false && <span className="mode-badge" title="Select it and press ENABLE in its health panel (needs the control token)">DISABLED</span>}
          </span>
        </span>
        <NowPlaying channel={channel} nowMs={nowMs} utcOffsetMin={utcOffsetMin} />
        <span className="row__viewers" title="Viewers tuned in now">
          <span className="mono">{channel.viewerCount}</span>
          <span className="row__viewers-label">VIEW</span>
        </span>
      </button>
    </li>
  );
}

export function ChannelList() {
  const channels = useConsole((s) => s.channels);
  const selected = useConsole((s) => s.selected);
  const link = useConsole((s) => s.link);
  const utcOffsetMin = useConsole((s) => s.clock.utcOffsetMin);
  const nowMs = useStationNow(250);
  return (
    <section className="panel channels" aria-label="Channels">
      <div className="panel__head">
        <h2>CHANNELS</h2>
        <span className="panel__hint">Click a channel or press its number to preview it</span>
      </div>
      {channels.length === 0 ? (
        <div className="empty">{link === 'connecting' ? 'Waiting for the station…' : link === 'ok' ? 'The station has no channels yet.' : 'No channel list: the station is not answering.'}</div>
      ) : (
        <ul className="rows">
          {channels.map((c) => (
            <ChannelRow key={c.uuid || c.number} channel={c} selected={c.number === selected} nowMs={nowMs} utcOffsetMin={utcOffsetMin} />
          ))}
        </ul>
      )}
    </section>
  );
}
