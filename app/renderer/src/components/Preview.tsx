import { useEffect, useRef, useState } from 'react';
import type { ChannelStatusDto } from '../../../shared/types.ts';
import { useConsole } from '../store.ts';
import { useStationNow } from '../hooks.ts';
import { formatDuration, formatWallClock, kindLabel } from '../format.ts';
import { RETRY_DELAYS_S, useLivePlayer } from '../live-player.ts';
import { ProducerTally, ModeBadge } from './Tally.tsx';
import { ProgressBar } from './ProgressBar.tsx';

function SignalSlate({ label }: { label: string }) {
  return (
    <div className="slate" aria-hidden="true">
      <div className="slate__bars" />
      <div className="slate__label">{label}</div>
    </div>
  );
}

function ProgramInfo({ channel, live }: { channel: ChannelStatusDto; live: boolean }) {
  const nowMs = useStationNow(250);
  const utcOffsetMin = useConsole((s) => s.clock.utcOffsetMin);
  const np = channel.nowPlaying;
  if (!np) return <div className="program program--empty">Nothing scheduled on this channel right now.</div>;
  const start = Date.parse(np.start);
  const end = Date.parse(np.end);
  return (
    <div className="program">
      <div className="program__top">
        <span className={`kind kind--${np.kind}`}>{kindLabel(np.kind)}</span>
        <span className="program__title" data-testid="preview-title">{np.title}</span>
      </div>
      <ProgressBar start={np.start} end={np.end} nowMs={nowMs} tone={live ? 'live' : 'neutral'} />
      <div className="program__times mono">
        <span title="Started">{formatWallClock(start, utcOffsetMin)}</span>
        <span className="program__elapsed" title="Elapsed">+{formatDuration(nowMs - start)}</span>
        <span className="program__remain" title="Remaining">−{formatDuration(end - nowMs)}</span>
        <span title="Ends">{formatWallClock(end, utcOffsetMin)}</span>
      </div>
    </div>
  );
}

function LivePreview({ channel }: { channel: ChannelStatusDto }) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [muted, setMuted] = useState(true);
  const [retryIn, setRetryIn] = useState<number | null>(null);
  const failures = useRef(0);
  const { phase, problem, stats } = useLivePlayer(videoRef, channel.number, channel.streamUrl, attempt);

  useEffect(() => {
    if (phase === 'live') failures.current = 0;
  }, [phase]);

  // Try a failed channel again on a growing delay; "Retry now" skips the wait.
  useEffect(() => {
    if (phase !== 'failed' || !problem?.retryable) {
      setRetryIn(null);
      return;
    }
    const delay = RETRY_DELAYS_S[Math.min(failures.current, RETRY_DELAYS_S.length - 1)] ?? 30;
    failures.current += 1;
    let left = delay;
    setRetryIn(left);
    const id = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(id);
        setAttempt((a) => a + 1);
      } else {
        setRetryIn(left);
      }
    }, 1000);
    return () => clearInterval(id);
  }, [phase, problem]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.muted = muted;
  }, [muted]);

  const live = phase === 'live';
  const tally = live ? { tone: 'onair', label: 'ON AIR' } : phase === 'failed' || phase === 'unsupported' ? { tone: 'off', label: 'NO SIGNAL' } : { tone: 'cue', label: 'ACQUIRING' };

  return (
    <section className={`panel preview ${live ? 'preview--live' : ''}`} aria-label={`Preview of channel ${channel.number}`} data-testid="preview" data-phase={phase}>
      <div className="preview__bar">
        <span className={`onair onair--${tally.tone}`} data-testid="onair-tally">{tally.label}</span>
        <span className="preview__channel">
          <span className="preview__number mono">CH {String(channel.number).padStart(2, '0')}</span>
          <span className="preview__name">{channel.name}</span>
        </span>
        <span className="preview__tallies">
          <ModeBadge mode={channel.mode} />
          <ProducerTally status={channel.producerStatus} />
        </span>
      </div>

      <div className={`monitor monitor--${phase}`}>
        <video ref={videoRef} className="monitor__video" muted playsInline data-testid="preview-video" />
        {(phase === 'connecting' || phase === 'buffering') && (
          <div className="monitor__overlay monitor__overlay--quiet">
            <span className="spinner" aria-hidden="true" />
            {phase === 'connecting' ? 'Acquiring signal…' : 'Buffering…'}
          </div>
        )}
        {(phase === 'failed' || phase === 'unsupported') && problem && (
          <div className="monitor__overlay monitor__overlay--error" role="alert" data-testid="preview-error">
            <SignalSlate label="NO SIGNAL" />
            <div className="problem">
              <p className="problem__message">
                {problem.message}
                {problem.code && <span className="problem__code">{problem.code}</span>}
              </p>
              {problem.hint && <p className="problem__hint">{problem.hint}</p>}
              {problem.retryable && (
                <div className="problem__actions">
                  <button type="button" className="btn" onClick={() => setAttempt((a) => a + 1)} data-testid="preview-retry">
                    Retry now
                  </button>
                  {retryIn !== null && <span className="problem__countdown">Trying again in {retryIn} s</span>}
                </div>
              )}
            </div>
          </div>
        )}
        {live && <div className="monitor__bug mono">CH{String(channel.number).padStart(2, '0')}</div>}
      </div>

      <div className="preview__strip">
        <button type="button" className={`btn btn--small ${muted ? '' : 'btn--active'}`} onClick={() => setMuted((m) => !m)} aria-pressed={!muted}>
          {muted ? 'AUDIO MUTED' : 'AUDIO ON'}
        </button>
        <span className="stats mono" data-testid="preview-stats">
          {stats && stats.width > 0 ? (
            <>
              <span>{stats.width}×{stats.height}</span>
              {stats.fps !== null && <span>{stats.fps.toFixed(stats.fps % 1 ? 2 : 0)} fps</span>}
              {stats.latencyMs !== null && <span>buf {Math.round(stats.latencyMs)} ms</span>}
              {stats.kbps !== null && stats.kbps > 0 && <span>{Math.round(stats.kbps)} kb/s</span>}
              <span>drop {stats.dropped}</span>
            </>
          ) : (
            <span>—</span>
          )}
        </span>
      </div>

      <ProgramInfo channel={channel} live={live} />
      <dl className="details">
        <div>
          <dt>MODE</dt>
          <dd>{channel.mode}</dd>
        </div>
        <div>
          <dt>PRODUCER</dt>
          <dd>{channel.producerStatus}</dd>
        </div>
        <div>
          <dt>VIEWERS</dt>
          <dd className="mono">{channel.viewerCount}</dd>
        </div>
        <div className="details__wide">
          <dt>STREAM (MPEG-TS)</dt>
          <dd className="mono" title={channel.streamUrl}>{channel.streamUrl}</dd>
        </div>
      </dl>
    </section>
  );
}

export function Preview() {
  const selected = useConsole((s) => s.selected);
  const channel = useConsole((s) => s.channels.find((c) => c.number === s.selected) ?? null);
  if (selected === null || !channel) {
    return (
      <section className="panel preview preview--idle" aria-label="Preview">
        <div className="preview__bar">
          <span className="onair onair--off">PREVIEW</span>
          <span className="preview__channel">
            <span className="preview__name">{selected === null ? 'No channel selected' : `Channel ${selected} is no longer listed`}</span>
          </span>
        </div>
        <div className="monitor">
          <SignalSlate label={selected === null ? 'SELECT A CHANNEL' : 'NOT LISTED'} />
        </div>
        <p className="idle-help">
          Click a channel to watch it live here, or type its number (<kbd>1</kbd> <kbd>2</kbd> …). <kbd>Esc</kbd> clears the preview.
        </p>
      </section>
    );
  }
  // Keyed by channel so switching channels starts from a clean player and retry state.
  return <LivePreview key={channel.number} channel={channel} />;
}
