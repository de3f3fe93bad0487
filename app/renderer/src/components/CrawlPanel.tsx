import { useEffect, useState } from 'react';
import { useCrawl } from '../crawl-store.ts';
import { useDirector } from '../director-store.ts';
import { useConsole } from '../store.ts';

const DURATIONS: Array<[string, number | null]> = [['until stopped', null], ['15 min', 15], ['30 min', 30], ['1 hour', 60]];

/** The operator's text crawl along the foot of the picture (news, closings); not an emergency. */
export function CrawlPanel() {
  const apiBase = useConsole((s) => s.apiBase);
  const token = useDirector((s) => s.token);
  const { crawl, busy, error, refresh, start, stop } = useCrawl();
  const [text, setText] = useState('');
  const [minutes, setMinutes] = useState<number | null>(null);
  const readOnly = !token || !apiBase;

  useEffect(() => {
    if (!apiBase) return;
    void refresh(apiBase);
    const t = setInterval(() => void refresh(apiBase), 15_000);
    return () => clearInterval(t);
  }, [apiBase, refresh]);

  return (
    <section className="panel crawl" aria-label="Text crawl" data-testid="crawl-panel">
      <div className="panel__head">
        <h2>CRAWL</h2>
        <span className="panel__hint mono" data-testid="crawl-state">{crawl ? 'ON AIR' : 'OFF'}</span>
      </div>
      <div className="eas__body">
        {crawl ? (
          <>
            <p className="crawl__live" data-testid="crawl-text">“{crawl.text}”</p>
            <p className="panel__hint">
              {crawl.channels ? `Channels ${crawl.channels.join(', ')}` : 'Every channel'}
              {crawl.until ? ` · until ${new Date(crawl.until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : ' · until stopped'}
            </p>
            <button type="button" className="btn" disabled={readOnly || busy} onClick={() => apiBase && void stop(apiBase, token)} data-testid="crawl-stop">
              {busy ? 'Stopping…' : 'Stop the crawl'}
            </button>
          </>
        ) : (
          <>
            <input className="crawl__input" type="text" value={text} maxLength={500} disabled={readOnly} placeholder="Text to run along the foot of the picture" onChange={(e) => setText(e.target.value)} data-testid="crawl-input" />
            <div className="seg">
              {DURATIONS.map(([label, m]) => (
                <label key={label} className={minutes === m ? 'seg__on' : ''}>
                  <input type="radio" name="crawl-minutes" checked={minutes === m} disabled={readOnly} onChange={() => setMinutes(m)} /> {label}
                </label>
              ))}
            </div>
            <button
              type="button"
              className="btn"
              disabled={readOnly || busy || !text.trim()}
              onClick={() => apiBase && void start(apiBase, token, { text: text.trim(), ...(minutes ? { minutes } : {}) }).then((ok) => ok && setText(''))}
              data-testid="crawl-start"
            >
              {busy ? 'Starting…' : readOnly ? 'Needs the control token' : 'Run the crawl'}
            </button>
          </>
        )}
        {error && (
          <p className="outcome outcome--fail" role="alert">
            {error.message}
            {error.hint && <small> {error.hint}</small>}
          </p>
        )}
      </div>
    </section>
  );
}
