import { useEffect, useState } from 'react';
import { useDirector } from '../director-store.ts';
import { isApiError, postControl } from '../station-api.ts';
import { useConsole } from '../store.ts';

/**
 * Put a channel in or out of service. Disabling ends its viewers and takes it off the
 * playlist, so it asks once more; the switch shows what the station says, never a guess.
 */
export function ChannelEnable({ n }: { n: number }) {
  const apiBase = useConsole((s) => s.apiBase);
  const enabled = useConsole((s) => s.channels.find((c) => c.number === n)?.enabled !== false);
  const token = useDirector((s) => s.token);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setConfirming(false);
    setResult(null);
  }, [n]);
  useEffect(() => {
    if (!confirming) return;
    const id = setTimeout(() => setConfirming(false), 5000);
    return () => clearTimeout(id);
  }, [confirming]);

  const send = async (want: boolean): Promise<void> => {
    if (!apiBase) return;
    setConfirming(false);
    setBusy(true);
    try {
      const r = await postControl<{ enabled: boolean }>(apiBase, `/api/channels/${n}/enabled`, token, { enabled: want });
      setResult(
        r.status === 200
          ? { ok: true, text: want ? `Channel ${n} is enabled.` : `Channel ${n} is disabled: off the air and off the playlist.` }
          : { ok: false, text: isApiError(r.body) ? `${r.body.error}${r.body.hint ? ` ${r.body.hint}` : ''}` : `The station answered HTTP ${r.status}.` },
      );
    } catch (err) {
      setResult({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
    setBusy(false);
  };

  return (
    <div className="enable">
      <span className={`enable__state ${enabled ? 'enable__state--on' : 'enable__state--off'}`} data-testid="enabled-state">
        {enabled ? 'IN SERVICE' : 'DISABLED'}
      </span>
      {enabled && confirming ? (
        <>
          <button type="button" className="btn btn--small btn--danger" onClick={() => void send(false)} data-testid="disable-confirm">
            CONFIRM: DISABLE CH {n}
          </button>
          <button type="button" className="btn btn--small" onClick={() => setConfirming(false)}>
            CANCEL
          </button>
        </>
      ) : (
        <button
          type="button"
          className="btn btn--small"
          disabled={!token || busy}
          title={token ? (enabled ? 'Take this channel out of service: its viewers are disconnected and it leaves the playlist' : 'Put this channel back in service') : 'Needs the control token'}
          onClick={() => (enabled ? setConfirming(true) : void send(true))}
          data-testid="enable-toggle"
        >
          {busy ? '…' : enabled ? 'DISABLE' : 'ENABLE'}
        </button>
      )}
      {result && (
        <span className={result.ok ? 'restart__ok' : 'restart__fail'} role="status" data-testid="enable-result">
          {result.text}
        </span>
      )}
    </div>
  );
}
