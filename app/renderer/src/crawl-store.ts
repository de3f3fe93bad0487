/**
 * The operator's text crawl as the station reports it, and starting or stopping it. What the
 * console shows is the station's answer, never a guess.
 */
import { create } from 'zustand';
import type { CrawlDto, CrawlRequest } from '../../shared/types.ts';
import { StationError } from './api.ts';
import { deleteControl, getJson, isApiError, postControl } from './station-api.ts';

export interface CrawlStore {
  crawl: CrawlDto | null;
  busy: boolean;
  /** The last refusal, in the station's words. */
  error: { message: string; hint?: string } | null;
  refresh(apiBase: string): Promise<void>;
  start(apiBase: string, token: string | null, req: CrawlRequest): Promise<boolean>;
  stop(apiBase: string, token: string | null): Promise<boolean>;
}

export const useCrawl = create<CrawlStore>()((set, get) => {
  const act = async (fn: () => Promise<{ status: number; body: unknown }>): Promise<boolean> => {
    if (get().busy) return false;
    set({ busy: true, error: null });
    try {
      const answer = await fn();
      if (answer.status >= 200 && answer.status < 300) {
        set({ crawl: (answer.body as { crawl: CrawlDto | null }).crawl, busy: false });
        return true;
      }
      const body = answer.body as { crawl?: CrawlDto | null; refused?: { number: number; error: string }[] } | undefined;
      if (body && Array.isArray(body.refused)) {
        // Some channels took it, these kept what they were airing.
        const who = body.refused.map((r) => `channel ${r.number} (${r.error})`).join(', ');
        set({ busy: false, crawl: body.crawl ?? null, error: { message: `Not on every channel: ${who} kept what it was airing.`, hint: 'See the channel log; try again.' } });
        return false;
      }
      set({ busy: false, error: isApiError(body) ? { message: body.error, hint: body.hint } : { message: `The station answered HTTP ${answer.status}.` } });
    } catch (err) {
      set({ busy: false, error: { message: err instanceof StationError ? err.message : String(err), hint: err instanceof StationError ? err.hint : undefined } });
    }
    return false;
  };
  return {
    crawl: null,
    busy: false,
    error: null,
    refresh: async (apiBase) => {
      try {
        set({ crawl: (await getJson<{ crawl: CrawlDto | null }>(apiBase, '/api/crawl')).crawl });
      } catch {
        // The station's status feed says when it is unreachable; the crawl panel keeps what it knew.
      }
    },
    start: (apiBase, token, req) => act(() => postControl<{ crawl: CrawlDto | null }>(apiBase, '/api/crawl', token, req)),
    stop: (apiBase, token) => act(() => deleteControl<{ crawl: CrawlDto | null }>(apiBase, '/api/crawl', token)),
  };
});
