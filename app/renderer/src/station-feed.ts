/**
 * How the console hears from the station. Preferred: the server-sent events feed
 * (GET /api/events: `status`, `director` and library `scan` events), reconnected with a growing delay when it
 * drops. A station without the feed (404) is polled instead: /api/channels every second and
 * /api/director every two.
 */
import type { ScanStatusDto } from '../../shared/library-types.ts';
import type { DirectorStateDto, StationStatusDto } from '../../shared/types.ts';
import { StationError } from './api.ts';
import { useDirector } from './director-store.ts';
import { statusFromHealth } from './health-status.ts';
import { useHealth } from './health-store.ts';
import { useLibrary } from './library-store.ts';
import { getJson } from './station-api.ts';
import { monoNow } from './station-clock.ts';
import { startPolling, useConsole } from './store.ts';

const RECONNECT_S = [1, 2, 3, 5];
/** A dropped feed the browser cannot re-open within this long is given up and probed afresh. */
const REOPEN_MS = 2500;
/** No status event for this long means the feed is dead even if the socket looks open. */
const SILENCE_MS = 6000;

/** Whether the station has the live feed: true (200 event stream), false (404 or not an event stream), null (unreachable). */
async function probeEvents(apiBase: string): Promise<boolean | null> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 4000);
  try {
    const res = await fetch(`${apiBase}/api/events`, { signal: ctl.signal, cache: 'no-store', headers: { accept: 'text/event-stream' } });
    return res.ok && (res.headers.get('content-type') ?? '').includes('text/event-stream');
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
}

function pollDirector(apiBase: string, everyMs: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async (): Promise<void> => {
    try {
      const askedAt = useDirector.getState().version;
      const state = await getJson<DirectorStateDto>(apiBase, '/api/director');
      if (!stopped) useDirector.getState().applyState(state, askedAt);
    } catch {
      /* the channel poll reports a lost link */
    }
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function listenToEvents(apiBase: string, onDead: () => void): () => void {
  const es = new EventSource(`${apiBase}/api/events`);
  let silence: ReturnType<typeof setTimeout> | undefined;
  let dead = false;
  const die = (why: string): void => {
    if (dead) return;
    dead = true;
    clearTimeout(silence);
    clearTimeout(reopen);
    es.close();
    useConsole.getState().applyFailure(new StationError(why, 'Reconnecting; the last state received stays on screen.'));
    onDead();
  };
  const armSilence = (): void => {
    clearTimeout(silence);
    silence = setTimeout(() => die(`The station's live feed went quiet (nothing for ${SILENCE_MS / 1000} s).`), SILENCE_MS);
  };
  armSilence();
  es.addEventListener('status', (ev) => {
    try {
      const status = JSON.parse((ev as MessageEvent<string>).data) as StationStatusDto;
      useHealth.getState().applyHealth(status.channels);
      useConsole.getState().applyChannels(status.channels.map((h) => statusFromHealth(h, apiBase)), monoNow());
      armSilence();
    } catch {
      /* a malformed event is skipped; the next one will do */
    }
  });
  es.addEventListener('director', (ev) => {
    try {
      useDirector.getState().applyState(JSON.parse((ev as MessageEvent<string>).data) as DirectorStateDto);
    } catch {
      /* as above */
    }
  });
  es.addEventListener('scan', (ev) => {
    try {
      useLibrary.getState().applyScan(JSON.parse((ev as MessageEvent<string>).data) as ScanStatusDto);
    } catch {
      /* as above */
    }
  });
  let reopen: ReturnType<typeof setTimeout> | undefined;
  es.onopen = () => clearTimeout(reopen);
  es.onerror = () => {
    // CLOSED: the browser gave up. CONNECTING: it retries by itself; allow it a moment, then start afresh.
    if (es.readyState === EventSource.CLOSED) die('Lost the live feed from the station.');
    else {
      clearTimeout(reopen);
      reopen = setTimeout(() => die('Lost the live feed from the station.'), REOPEN_MS);
    }
  };
  return () => {
    dead = true;
    clearTimeout(silence);
    clearTimeout(reopen);
    es.close();
  };
}

/** Start hearing from the station; returns the function that stops it. */
export function startStationFeed(apiBase: string | null, pollMs = 1000): () => void {
  if (!apiBase) return startPolling(null);
  useConsole.setState({ apiBase });
  let stopped = false;
  let stopCurrent: () => void = () => {};
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    const has = await probeEvents(apiBase);
    if (stopped) return;
    if (has === false) {
      // An older station: poll.
      useHealth.getState().setFeed('polling');
      const stopChannels = startPolling(apiBase, pollMs);
      const stopDirector = pollDirector(apiBase, 2000);
      stopCurrent = () => {
        stopChannels();
        stopDirector();
      };
      return;
    }
    if (has === null) {
      useConsole.getState().applyFailure(new StationError(`Cannot reach the station at ${apiBase}.`));
      scheduleRetry();
      return;
    }
    useHealth.getState().setFeed('events');
    failures = 0;
    // The feed's first event is the director's state, in order with every switch after it.
    stopCurrent = listenToEvents(apiBase, scheduleRetry);
  };
  const scheduleRetry = (): void => {
    if (stopped) return;
    const delay = RECONNECT_S[Math.min(failures, RECONNECT_S.length - 1)] ?? 10;
    failures += 1;
    retry = setTimeout(() => void connect(), delay * 1000);
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    stopCurrent();
  };
}
