import { useEffect } from 'react';
import { useHealth } from '../health-store.ts';
import { useStationNow } from '../hooks.ts';
import { MAX_LIVE_CAP, useMultiview } from '../multiview-store.ts';
import { useConsole } from '../store.ts';
import { useUi } from '../ui-store.ts';
import { ChannelTile } from './ChannelTile.tsx';
import { Preview } from './Preview.tsx';

/** Live tiles at the station: each costs an encoder there (if no one else watches) and a decoder here. */
function LiveCap() {
  const { liveCap, live, setCap } = useMultiview();
  const health = useHealth((s) => s.health);
  // Measured by the station when it reports health; otherwise only the count is known.
  const bps = live.reduce((sum, n) => sum + (health[n]?.bitrateBps ?? 0), 0);
  const cpu = live.reduce((sum, n) => sum + (health[n]?.processes ?? []).reduce((a, p) => a + (p.cpuPercent ?? 0), 0), 0);
  return (
    <div className="livecap" data-testid="live-cap">
      <span className="livecap__count mono">
        LIVE {live.length}/{liveCap}
      </span>
      <label className="livecap__setting">
        cap
        <input type="number" min={0} max={MAX_LIVE_CAP} value={liveCap} onChange={(e) => setCap(Number(e.target.value))} data-testid="live-cap-input" />
      </label>
      <span className="livecap__cost">{live.length === 0 ? 'no live tiles' : [`${live.length} stream${live.length > 1 ? 's' : ''} in`, bps > 0 ? `${(bps / 1e6).toFixed(1)} Mb/s` : null, cpu > 0 ? `station CPU ${Math.round(cpu)}%` : null].filter(Boolean).join(' · ')}</span>
    </div>
  );
}

/** Every channel as a tile; one can be enlarged into the preview with its stream statistics. */
export function Multiview() {
  const channels = useConsole((s) => s.channels);
  const link = useConsole((s) => s.link);
  const enlarged = useUi((s) => s.enlarged);
  const setEnlarged = useUi((s) => s.setEnlarged);
  const nowMs = useStationNow(500);
  const drop = useMultiview((s) => s.drop);
  const live = useMultiview((s) => s.live);

  // A channel gone from the list leaves the live set.
  useEffect(() => {
    for (const n of live) if (!channels.some((c) => c.number === n)) drop(n);
  }, [channels, live, drop]);

  if (enlarged) {
    return (
      <div className="enlarged" data-testid="enlarged">
        <div className="enlarged__bar">
          <button type="button" className="btn" onClick={() => setEnlarged(false)} data-testid="back-to-multiview">
            ← MULTIVIEW <kbd>Esc</kbd>
          </button>
        </div>
        <Preview />
      </div>
    );
  }
  return (
    <section className="panel multiview" aria-label="Multiview">
      <div className="panel__head">
        <h2>MULTIVIEW</h2>
        <LiveCap />
        <span className="panel__hint">
          <kbd>1</kbd>–<kbd>9</kbd> select · <kbd>Enter</kbd> enlarge · <kbd>Esc</kbd> back
        </span>
      </div>
      {channels.length === 0 ? (
        <div className="empty">{link === 'connecting' ? 'Waiting for the station…' : link === 'ok' ? 'The station has no channels yet.' : 'No channel list: the station is not answering.'}</div>
      ) : (
        <div className="multiview__grid" data-count={channels.length}>
          {channels.map((c) => (
            <ChannelTile key={c.number} channel={c} nowMs={nowMs} />
          ))}
        </div>
      )}
    </section>
  );
}
