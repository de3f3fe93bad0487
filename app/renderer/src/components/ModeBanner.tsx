import { useDirector } from '../director-store.ts';
import { useStationNow } from '../hooks.ts';
import { formatDuration } from '../format.ts';

/** Across the whole console while the station is not in normal programming, with how long it has been. */
export function ModeBanner() {
  const state = useDirector((s) => s.state);
  const now = useStationNow(500);
  if (!state || state.mode === 'normal') return null;
  const elapsed = formatDuration(now - Date.parse(state.since));
  const scope = state.channels ? `channels ${state.channels.join(', ')}` : 'all channels';
  if (state.mode === 'emergency') {
    return (
      <div className="mode-banner mode-banner--emergency" role="alert" data-testid="emergency-banner">
        <span className="mode-banner__word">EMERGENCY ON AIR</span>
        <span className="mode-banner__message">“{state.message}”</span>
        <span className="mode-banner__meta">{state.style === 'crawl' ? 'CRAWL' : 'TAKEOVER'} · {scope} · by {state.by}</span>
        <span className="mode-banner__elapsed mono" data-testid="emergency-elapsed">{elapsed}</span>
      </div>
    );
  }
  return (
    <div className={`mode-banner mode-banner--${state.mode}`} role="status" data-testid="mode-banner">
      <span className="mode-banner__word">{state.mode === 'guide' ? 'GUIDE MODE' : 'MAINTENANCE'}</span>
      <span className="mode-banner__meta">{scope} · by {state.by}</span>
      <span className="mode-banner__elapsed mono">{elapsed}</span>
    </div>
  );
}
