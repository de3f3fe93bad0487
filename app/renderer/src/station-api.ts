/**
 * Reads and control requests to the station, each failure turned into a StationError a person
 * can read. Control requests carry the token; the answer is always the station's own.
 */
import type { ApiError } from '../../shared/types.ts';
import { StationError } from './api.ts';
import { controlHeaders } from './control-token.ts';

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string';
}

async function readBody(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

/** GET a JSON document; a 4xx/5xx becomes a StationError with the station's words. */
export async function getJson<T>(apiBase: string, path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${apiBase}${path}`, { signal, cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (err) {
    throw new StationError(`Cannot reach the station at ${apiBase}.`, err instanceof Error ? err.message : String(err));
  }
  const body = await readBody(res);
  if (!res.ok) {
    if (isApiError(body)) throw new StationError(body.error, body.hint);
    throw new StationError(`The station answered HTTP ${res.status} for ${path.split('?')[0]}.`);
  }
  return body as T;
}

export interface ControlAnswer<T> {
  status: number;
  /** The station's answer: T on success (and for refusals that carry a result, e.g. a 409 mode switch). */
  body: T | ApiError | undefined;
}

/** POST a control request with the token; returns the status and body whatever they are. */
export function postControl<T>(apiBase: string, path: string, token: string | null, payload: unknown): Promise<ControlAnswer<T>> {
  return sendControl<T>('POST', apiBase, path, token, payload);
}

/** DELETE with the token (ending something: the crawl). */
export function deleteControl<T>(apiBase: string, path: string, token: string | null): Promise<ControlAnswer<T>> {
  return sendControl<T>('DELETE', apiBase, path, token, undefined);
}

async function sendControl<T>(method: 'POST' | 'DELETE', apiBase: string, path: string, token: string | null, payload: unknown): Promise<ControlAnswer<T>> {
  let res: Response;
  try {
    const body = method === 'POST' ? JSON.stringify(payload ?? {}) : undefined;
    const headers = controlHeaders(token);
    // Fastify refuses an empty body that says it is JSON.
    if (!body) delete headers['content-type'];
    res = await fetch(`${apiBase}${path}`, { method, cache: 'no-store', headers, body });
  } catch (err) {
    throw new StationError(`Cannot reach the station at ${apiBase}; nothing was changed.`, err instanceof Error ? err.message : String(err));
  }
  return { status: res.status, body: (await readBody(res)) as T | ApiError | undefined };
}

export { isApiError };
