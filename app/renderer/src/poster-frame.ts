/**
 * The still an off-air multiview tile shows: /api/channels/N/poster.jpg, asked for again
 * every 20 seconds (the station keeps one per 10-second bucket, so this costs it little).
 * The next still is loaded off-screen and swapped in only once it has arrived, so the tile
 * never flashes; when the station has none (404/503) the tile keeps its title card.
 */
import { useEffect, useState } from 'react';

export const POSTER_REFRESH_MS = 20_000;

export type PosterState = { state: 'none' } | { state: 'loaded'; src: string } | { state: 'failed' };

/** The still's URL; `t` changes with the bucket and the item on air, so the browser never shows a stale one. */
export function posterUrl(apiBase: string, n: number, bucket: number, eventId: string | null): string {
  const t = `${bucket}.${(eventId ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(-16)}`;
  return `${apiBase}/api/channels/${n}/poster.jpg?t=${t}`;
}

/** The still for channel `n` (or 'none' while `wanted` is false). */
export function usePosterFrame(apiBase: string | null, n: number, wanted: boolean, eventId: string | null): PosterState {
  const [poster, setPoster] = useState<PosterState>({ state: 'none' });
  const [bucket, setBucket] = useState(0);
  useEffect(() => {
    if (!wanted) return;
    const id = setInterval(() => setBucket((b) => b + 1), POSTER_REFRESH_MS);
    return () => clearInterval(id);
  }, [wanted]);
  useEffect(() => {
    if (!wanted || !apiBase) {
      setPoster({ state: 'none' });
      return;
    }
    let cancelled = false;
    const img = new Image();
    const src = posterUrl(apiBase, n, bucket, eventId);
    img.onload = () => !cancelled && setPoster({ state: 'loaded', src });
    img.onerror = () => !cancelled && setPoster({ state: 'failed' });
    img.src = src;
    return () => {
      cancelled = true;
      img.onload = null;
      img.onerror = null;
    };
  }, [apiBase, n, wanted, bucket, eventId]);
  return poster;
}
