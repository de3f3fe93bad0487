import { useEffect, useState } from 'react';
import { useConsole } from './store.ts';
import { monoNow, stationNowMs } from './station-clock.ts';

/** Station time, refreshed every `periodMs` (progress bars and countdowns need no more). */
export function useStationNow(periodMs = 250): number {
  const clock = useConsole((s) => s.clock);
  const [mono, setMono] = useState(monoNow);
  useEffect(() => {
    const id = setInterval(() => setMono(monoNow()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return stationNowMs(clock, mono);
}

/**
 * Station time refreshed on animation frames, but re-rendering only when the displayed
 * value (one frame of `fps`) changes: for the big timecode clock.
 */
export function useStationNowFrames(fps: number): number {
  const clock = useConsole((s) => s.clock);
  const [frame, setFrame] = useState(() => Math.floor(stationNowMs(clock, monoNow()) / (1000 / fps)));
  useEffect(() => {
    let raf = 0;
    const loop = (): void => {
      setFrame(Math.floor(stationNowMs(clock, monoNow()) / (1000 / fps)));
      raf = requestAnimationFrame(loop);
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, [clock, fps]);
  return frame * (1000 / fps);
}
