/**
 * A live MPEG-TS player on a <video>: mpegts.js with low-latency settings, a watchdog that
 * trusts only a moving currentTime, and failures in plain words. Used by the enlarged preview
 * and by every live multiview tile.
 */
import { useEffect, useState } from 'react';
import mpegts from 'mpegts.js';
import type { ApiError } from '../../shared/types.ts';
import { checkPlaybackSupport, describePlayerError, describeStall, describeStreamEnded, type PlayerProblem } from './player-errors.ts';

export type Phase = 'connecting' | 'buffering' | 'live' | 'failed' | 'unsupported';

export interface Stats {
  width: number;
  height: number;
  fps: number | null;
  latencyMs: number | null;
  dropped: number;
  kbps: number | null;
}

/** Low-latency live settings: no stash, small buffer, skip ahead when the buffer grows. */
const PLAYER_CONFIG: mpegts.Config = {
  isLive: true,
  // The transmuxer is cheap at preview sizes; the main thread avoids a blob: worker (CSP, Electron).
  enableWorker: false,
  enableStashBuffer: false,
  lazyLoad: false,
  liveBufferLatencyChasing: true,
  liveBufferLatencyMaxLatency: 1.5,
  liveBufferLatencyMinRemain: 0.3,
  autoCleanupSourceBuffer: true,
  autoCleanupMaxBackwardDuration: 20,
  autoCleanupMinBackwardDuration: 10,
  statisticsInfoReportInterval: 1000,
};

/** No decoded progress for this long while connected means the feed is dead. */
const STALL_SECONDS = 8;
/** Give a cold channel this long to produce its first picture (producers start on demand). */
const FIRST_PICTURE_SECONDS = 20;
export const RETRY_DELAYS_S = [3, 5, 10, 20, 30];

/** The station's own explanation for a refused stream, if it gave one. */
async function readStreamRefusal(url: string): Promise<ApiError | null> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 3000);
  try {
    const res = await fetch(url, { signal: ctl.signal, cache: 'no-store' });
    if (res.ok) return null;
    const body: unknown = await res.json();
    return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string' ? (body as ApiError) : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
}

export function useLivePlayer(videoRef: React.RefObject<HTMLVideoElement | null>, channelNumber: number, streamUrl: string, attempt: number) {
  const [phase, setPhase] = useState<Phase>('connecting');
  const [problem, setProblem] = useState<PlayerProblem | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    setStats(null);
    setProblem(null);

    const support = checkPlaybackSupport(window as { MediaSource?: typeof MediaSource });
    if (!support.ok || !mpegts.getFeatureList().mseLivePlayback) {
      setPhase('unsupported');
      setProblem({ message: `Channel ${channelNumber} cannot be previewed here: ${support.reason ?? 'this browser cannot play live MPEG-TS.'}`, retryable: false });
      return;
    }

    setPhase('connecting');
    let disposed = false;
    let failed = false;
    let fps: number | null = null;
    let kbps: number | null = null;
    const player = mpegts.createPlayer({ type: 'mpegts', isLive: true, url: streamUrl }, PLAYER_CONFIG);

    const fail = (p: PlayerProblem): void => {
      if (disposed || failed) return;
      failed = true;
      setProblem(p);
      setPhase('failed');
      // Stop pulling the stream: a failed preview must not keep a viewer slot at the station.
      try {
        player.unload();
      } catch {
        /* already torn down */
      }
    };

    player.on(mpegts.Events.ERROR, (type: string, detail: string, info?: { code?: number; msg?: string }) => {
      if (type === 'NetworkError' && detail === 'HttpStatusCodeInvalid') {
        void readStreamRefusal(streamUrl).then((refusal) => fail(describePlayerError(channelNumber, type, detail, info, refusal)));
        return;
      }
      fail(describePlayerError(channelNumber, type, detail, info));
    });
    player.on(mpegts.Events.LOADING_COMPLETE, () => fail(describeStreamEnded(channelNumber)));
    player.on(mpegts.Events.MEDIA_INFO, (info: mpegts.MSEPlayerMediaInfo) => {
      fps = typeof info.fps === 'number' && info.fps > 0 ? info.fps : null;
    });
    player.on(mpegts.Events.STATISTICS_INFO, (info: mpegts.MSEPlayerStatisticsInfo) => {
      kbps = typeof info.speed === 'number' ? info.speed * 8 : null;
    });

    const onPlaying = (): void => {
      if (!failed) setPhase('live');
    };
    const onWaiting = (): void => {
      if (!failed) setPhase('buffering');
    };
    const onVideoError = (): void => {
      const err = video.error;
      fail(describePlayerError(channelNumber, 'MediaError', 'MediaMSEError', { msg: err?.message || (err ? `media error ${err.code}` : undefined) }));
    };
    video.addEventListener('playing', onPlaying);
    video.addEventListener('waiting', onWaiting);
    video.addEventListener('error', onVideoError);

    player.attachMediaElement(video);
    player.load();
    const started = player.play();
    if (started && typeof started.catch === 'function') {
      // Autoplay can be refused (e.g. unmuted without a gesture); the watchdog reports it as no picture.
      started.catch(() => undefined);
    }

    // Watchdog: the only reliable sign of a live picture is currentTime moving.
    let lastTime = -1;
    let still = 0;
    const watchdog = setInterval(() => {
      if (failed) return;
      const t = video.currentTime;
      still = t > lastTime + 0.01 ? 0 : still + 1;
      lastTime = Math.max(lastTime, t);
      const limit = t > 0 ? STALL_SECONDS : FIRST_PICTURE_SECONDS;
      if (still >= limit) {
        fail(t > 0 ? describeStall(channelNumber, STALL_SECONDS) : { message: `Channel ${channelNumber} is off the air: no picture arrived within ${FIRST_PICTURE_SECONDS} seconds.`, retryable: true });
        return;
      }
      const b = video.buffered;
      const quality = typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality() : null;
      setStats({
        width: video.videoWidth,
        height: video.videoHeight,
        fps,
        latencyMs: b.length > 0 ? Math.max(0, (b.end(b.length - 1) - t) * 1000) : null,
        dropped: quality?.droppedVideoFrames ?? 0,
        kbps,
      });
    }, 1000);

    return () => {
      disposed = true;
      clearInterval(watchdog);
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('waiting', onWaiting);
      video.removeEventListener('error', onVideoError);
      try {
        player.pause();
        player.unload();
        player.detachMediaElement();
      } catch {
        /* the player may already have torn itself down after an error */
      }
      player.destroy();
    };
  }, [videoRef, channelNumber, streamUrl, attempt]);

  return { phase, problem, stats };
}
