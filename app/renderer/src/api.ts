import type { ApiError, ChannelStatusDto } from '../../shared/types.ts';

/** A failure worth showing to a person, already in plain words. */
export class StationError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'StationError';
  }
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string';
}

function isChannel(value: unknown): value is ChannelStatusDto {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<ChannelStatusDto>;
  return typeof c.number === 'number' && typeof c.name === 'string' && typeof c.producerStatus === 'string';
}

/** GET /api/channels, turning every way it can fail into a StationError a person can read. */
export async function fetchChannels(apiBase: string, signal?: AbortSignal): Promise<ChannelStatusDto[]> {
  let res: Response;
  try {
    res = await fetch(`${apiBase}/api/channels`, { signal, cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw new StationError(`The station at ${apiBase} did not answer in time.`);
    throw new StationError(`Cannot reach the station at ${apiBase}.`, err instanceof Error ? err.message : String(err));
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    if (isApiError(body)) throw new StationError(`The station reported a problem: ${body.error}`, body.hint);
    throw new StationError(`The station answered HTTP ${res.status} ${res.statusText}`.trim() + ' for its channel list.');
  }
  if (!Array.isArray(body)) throw new StationError('The station sent a channel list this console does not understand.');
  return body.filter(isChannel).map((c) => ({ ...c, streamUrl: c.streamUrl || `${apiBase}/iptv/channel/${c.number}.ts` }));
}
