import { useEffect, useRef, useState } from 'react';
import { useLivePlayer } from '../live-player.ts';

/** A tile's live picture: the shared player, muted unless this tile has the audio. */
export function TileVideo({ number, streamUrl, audible }: { number: number; streamUrl: string; audible: boolean }) {
  const ref = useRef<HTMLVideoElement | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { phase, problem } = useLivePlayer(ref, number, streamUrl, attempt);
  useEffect(() => {
    if (ref.current) ref.current.muted = !audible;
  }, [audible]);
  return (
    <div className={`tile__video tile__video--${phase}`} data-phase={phase}>
      <video ref={ref} muted playsInline data-testid={`tile-video-${number}`} />
      {(phase === 'connecting' || phase === 'buffering') && <span className="tile__overlay tile__overlay--quiet">{phase === 'connecting' ? 'ACQUIRING…' : 'BUFFERING…'}</span>}
      {(phase === 'failed' || phase === 'unsupported') && problem && (
        <span className="tile__overlay tile__overlay--error" role="alert">
          <strong>NO SIGNAL</strong>
          <span>{problem.message}</span>
          {problem.retryable && (
            <button
              type="button"
              className="btn btn--small"
              onClick={(e) => {
                e.stopPropagation();
                setAttempt((a) => a + 1);
              }}
            >
              RETRY
            </button>
          )}
        </span>
      )}
    </div>
  );
}
