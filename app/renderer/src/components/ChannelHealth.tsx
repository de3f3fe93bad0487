import { useEffect, useState } from 'react';
import type { ChannelHealthDto } from '../../../shared/types.ts';
import { StationError } from '../api.ts';
import { useDirector } from '../director-store.ts';
import { formatDuration } from '../format.ts';
import { useHealth } from '../health-store.ts';
import { getJson, isApiError, postControl } from '../station-api.ts';
import { useConsole } from '../store.ts';
import { ChannelEnable } from './ChannelEnable.tsx';

/** Health of one channel: pushed by the live feed, else fetched every two seconds. */
function useChannelHealth(n: number): { health: ChannelHealthDto | null; problem: string | null } {
  const apiBase = useConsole((s) => s.apiBase);
  const feed = useHealth((s) => s.feed);
  const pushed = useHealth((s) => s.health[n] ?? null);
  const [fetched, setFetched] = useState<ChannelHealthDto | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (feed === 'events' || !apiBase) return;
    let stopped = false;
    const tick = async (): Promise<void> => {
      try {
        const h = await getJson<ChannelHealthDto>(apiBase, `/api/channels/${n}/health`);
        if (!stopped) {
          setFetched(h);
          setProblem(null);
        }
      } catch (err) {
        if (!stopped) setProblem(err instanceof StationError ? err.message : String(err));
      }
    };
    void tick();
    const id = setInterval(() => void tick(), 2000);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, [apiBase, feed, n]);
  return { health: feed === 'events' ? pushed : fetched, problem: feed === 'events' ? null : problem };
}

function Restart({ n }: { n: number }) {
  const apiBase = useConsole((s) => s.apiBase);
  const token = useDirector((s) => s.token);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const restart = async (): Promise<void> => {
    if (!apiBase) return;
    setBusy(true);
    try {
      const r = await postControl<{ ok: boolean }>(apiBase, `/api/channels/${n}/restart`, token, {});
      setResult(r.status === 200 ? { ok: true, text: `Channel ${n} restarted its output.` } : { ok: false, text: isApiError(r.body) ? `${r.body.error}${r.body.hint ? ` ${r.body.hint}` : ''}` : `The station answered HTTP ${r.status}.` });
    } catch (err) {
      setResult({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
    setBusy(false);
  };
  return (
    <div className="restart">
      <button type="button" className="btn" disabled={!token || busy} onClick={() => void restart()} title={token ? 'Restart this channel’s output (viewers stay connected)' : 'Needs the control token'} data-testid="restart">
        {busy ? 'RESTARTING…' : 'RESTART OUTPUT'}
      </button>
      {result && (
        <span className={result.ok ? 'restart__ok' : 'restart__fail'} role="status" data-testid="restart-result">
          {result.text}
        </span>
      )}
    </div>
  );
}

/** The selected channel's health (producer, uptime, restarts, frames, bitrate, processes) and its restart control. */
export function ChannelHealth({ n }: { n: number }) {
  const { health, problem } = useChannelHealth(n);
  return (
    <section className="panel health" aria-label={`Health of channel ${n}`} data-testid="channel-health">
      <div className="panel__head">
        <h2>HEALTH · CH {n}</h2>
        <Restart n={n} />
      </div>
      <div className="health__service">
        <ChannelEnable n={n} />
      </div>
      {!health ? (
        <div className="empty">{problem ?? 'Waiting for the station’s health report…'}</div>
      ) : (
        <dl className="details health__grid">
          <div>
            <dt>PRODUCER</dt>
            <dd>{health.producerKind ?? 'off air'} · {health.producerStatus}</dd>
          </div>
          <div>
            <dt>UPTIME</dt>
            <dd className="mono">{health.onAirSince ? formatDuration(health.uptimeMs) : '—'}</dd>
          </div>
          <div>
            <dt>RESTARTS</dt>
            <dd className="mono">enc {health.restarts.encoder} · dec {health.restarts.decoder}</dd>
          </div>
          <div>
            <dt>BITRATE</dt>
            <dd className="mono">{health.bitrateBps > 0 ? `${(health.bitrateBps / 1000).toFixed(0)} kb/s` : '—'}</dd>
          </div>
          <div>
            <dt>FRAMES</dt>
            <dd className="mono">{health.frames.produced} · late {health.frames.late} · padded {health.frames.padded}</dd>
          </div>
          <div>
            <dt>VIEWERS</dt>
            <dd className="mono">{health.viewers.length}</dd>
          </div>
          <div className="details__wide">
            <dt>PROCESSES</dt>
            <dd className="mono">
              {health.processes.length === 0
                ? 'none'
                : health.processes.map((p) => `${p.role} ${p.pid}: ${p.cpuPercent === null ? '—' : `${Math.round(p.cpuPercent)}%`} CPU, ${p.rssBytes === null ? '—' : `${Math.round(p.rssBytes / 1048576)} MB`}`).join(' · ')}
            </dd>
          </div>
          {health.conditions.length > 0 && (
            <div className="details__wide">
              <dt>CONDITIONS</dt>
              <dd>{health.conditions.join(', ')}</dd>
            </div>
          )}
        </dl>
      )}
    </section>
  );
}
