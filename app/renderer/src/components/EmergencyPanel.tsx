import { useState } from 'react';
import type { EmergencyStyle, ModeRequest } from '../../../shared/types.ts';
import { useDirector } from '../director-store.ts';
import { useConsole } from '../store.ts';
import { ControlAccess } from './ControlAccess.tsx';
import { CrawlPanel } from './CrawlPanel.tsx';
import { SwitchOutcome } from './SwitchOutcome.tsx';

const MAX_MESSAGE = 500;

function ScopePicker({ all, setAll, chosen, setChosen, disabled }: { all: boolean; setAll(v: boolean): void; chosen: number[]; setChosen(v: number[]): void; disabled: boolean }) {
  const channels = useConsole((s) => s.channels);
  return (
    <fieldset className="eas__field" disabled={disabled}>
      <legend>SCOPE</legend>
      <div className="seg">
        <label className={all ? 'seg__on' : ''}>
          <input type="radio" name="eas-scope" checked={all} onChange={() => setAll(true)} data-testid="scope-all" /> All channels
        </label>
        <label className={!all ? 'seg__on' : ''}>
          <input type="radio" name="eas-scope" checked={!all} onChange={() => setAll(false)} data-testid="scope-chosen" /> Chosen
        </label>
      </div>
      {!all && (
        <div className="eas__channels">
          {channels.map((c) => (
            <label key={c.number} className="eas__channel">
              <input
                type="checkbox"
                checked={chosen.includes(c.number)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, c.number].sort((a, b) => a - b) : chosen.filter((n) => n !== c.number))}
                data-testid={`scope-channel-${c.number}`}
              />
              {c.number} {c.name}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** The emergency override, and the station-wide modes. Every result shown is the station's. */
export function EmergencyPanel() {
  const apiBase = useConsole((s) => s.apiBase);
  const { state, token, busy, outcome, switchMode } = useDirector();
  const [message, setMessage] = useState('');
  const [style, setStyle] = useState<EmergencyStyle>('takeover');
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<number[]>([]);
  const [confirming, setConfirming] = useState(false);
  const readOnly = !token || !apiBase;
  const active = state?.mode === 'emergency';
  const mode = state?.mode ?? null;

  const request: ModeRequest = { mode: 'emergency', message: message.trim(), style, ...(all ? {} : { channels: chosen }) };
  const problem = !message.trim() ? 'Write the message to air.' : !all && chosen.length === 0 ? 'Choose at least one channel.' : null;
  const send = async (req: ModeRequest): Promise<void> => {
    if (!apiBase) return;
    setConfirming(false);
    await switchMode(apiBase, req);
  };

  return (
    <aside className="rail" aria-label="Master control">
      <section className={`panel eas ${active ? 'eas--active' : ''}`} data-testid="emergency-panel">
        <div className="panel__head">
          <h2>EMERGENCY ALERT</h2>
          <span className={`eas__state ${active ? 'eas__state--on' : ''}`}>{active ? 'ACTIVE' : mode ? 'STANDBY' : '—'}</span>
        </div>
        <div className="eas__body">
          <ControlAccess />
          {active ? (
            <>
              <p className="eas__live">On air: “{state?.message}”</p>
              <button type="button" className="big-btn big-btn--release" disabled={readOnly || busy} onClick={() => void send({ mode: 'normal' })} data-testid="release">
                {busy ? 'RELEASING…' : 'RELEASE'}
                <small>back to the schedule</small>
              </button>
            </>
          ) : (
            <>
              <label className="eas__field">
                <span className="eas__label">MESSAGE</span>
                <textarea
                  value={message}
                  maxLength={MAX_MESSAGE}
                  rows={3}
                  disabled={readOnly}
                  placeholder="The text aired word for word"
                  onChange={(e) => {
                    setMessage(e.target.value);
                    setConfirming(false);
                  }}
                  data-testid="eas-message"
                />
              </label>
              <fieldset className="eas__field" disabled={readOnly}>
                <legend>STYLE</legend>
                <div className="seg">
                  {(['takeover', 'crawl'] as const).map((s) => (
                    <label key={s} className={style === s ? 'seg__on' : ''}>
                      <input type="radio" name="eas-style" checked={style === s} onChange={() => setStyle(s)} data-testid={`style-${s}`} />
                      {s === 'takeover' ? 'Takeover' : 'Crawl'}
                    </label>
                  ))}
                </div>
              </fieldset>
              <ScopePicker all={all} setAll={setAll} chosen={chosen} setChosen={setChosen} disabled={readOnly} />
              {confirming ? (
                <div className="confirm" data-testid="eas-confirm">
                  <p>
                    Air this {style} on {all ? 'every channel' : `channel${chosen.length > 1 ? 's' : ''} ${chosen.join(', ')}`}?
                  </p>
                  <div className="confirm__buttons">
                    <button type="button" className="big-btn big-btn--emergency big-btn--compact" disabled={busy} onClick={() => void send(request)} data-testid="eas-confirm-go">
                      {busy ? 'SWITCHING…' : 'CONFIRM: AIR IT'}
                    </button>
                    <button type="button" className="btn" onClick={() => setConfirming(false)} data-testid="eas-cancel">
                      Cancel
                    </button>
                  </div>
                </div>
              ) : (
                <button type="button" className="big-btn big-btn--emergency" disabled={readOnly || busy || problem !== null} title={problem ?? undefined} onClick={() => setConfirming(true)} data-testid="emergency">
                  EMERGENCY
                  <small>{readOnly ? 'needs the control token' : (problem ?? 'press, then confirm')}</small>
                </button>
              )}
            </>
          )}
          <SwitchOutcome outcome={outcome} />
        </div>
      </section>
      <section className="panel modes" aria-label="Station modes">
        <div className="panel__head">
          <h2>STATION MODE</h2>
          <span className="panel__hint mono" data-testid="director-mode">{mode ? mode.toUpperCase() : '—'}</span>
        </div>
        <div className="modes__buttons">
          {(['normal', 'guide', 'maintenance'] as const).map((m) => (
            <button key={m} type="button" className={`btn modes__btn ${mode === m ? 'btn--active' : ''}`} disabled={readOnly || busy || active || mode === m} onClick={() => void send({ mode: m })} data-testid={`mode-${m}`}>
              {m === 'normal' ? 'NORMAL' : m === 'guide' ? 'GUIDE' : 'MAINT'}
            </button>
          ))}
        </div>
      </section>
      <CrawlPanel />
    </aside>
  );
}
