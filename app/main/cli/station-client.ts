/**
 * The CLI's line to a running station: where it listens (`station.json`) and the control
 * token, both from the data directory, and JSON requests with errors a person can act on.
 */
import os from 'node:os';
import { readRunningStation, RUNNING_STATION_FILE } from '../config/running-station.ts';
import { CONTROL_TOKEN_FILE, readToken } from '../http/control-token.ts';

/** A switch of many channels on air can take a while; a station that says nothing for this long is stuck. */
const REQUEST_TIMEOUT_MS = 60_000;

export class StationUnreachableError extends Error {}

export interface StationAnswer<T> {
  status: number;
  body: T;
}

function notRunning(dataDir: string): StationUnreachableError {
  return new StationUnreachableError(`no station is running on ${dataDir}: start it with npm start (or retrovue serve), or pass the station's --data directory.`);
}

function operatorName(): string {
  try {
    return `cli ${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export class StationClient {
  private constructor(
    private readonly dataDir: string,
    private readonly baseUrl: string,
  ) {}

  /** The station running on `dataDir`; throws StationUnreachableError when there is none. */
  static find(dataDir: string): StationClient {
    const info = readRunningStation(dataDir);
    if (!info) throw notRunning(dataDir);
    return new StationClient(dataDir, info.url);
  }

  get<T>(path: string): Promise<StationAnswer<T>> {
    return this.request<T>('GET', path);
  }

  /** A control request, with the token from the data directory. */
  post<T>(path: string, body: unknown): Promise<StationAnswer<T>> {
    const token = readToken(this.dataDir);
    if (!token) {
      throw new StationUnreachableError(`There is no control token in ${this.dataDir}/${CONTROL_TOKEN_FILE}; the station writes it when it starts. Is it running from this data directory?`);
    }
    return this.request<T>('POST', path, body, { authorization: `Bearer ${token}`, 'x-retrovue-operator': operatorName() });
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<StationAnswer<T>> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: abort.signal,
      });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
        throw new StationUnreachableError(`${notRunning(this.dataDir).message} (${RUNNING_STATION_FILE} points at ${this.baseUrl}, where nothing answers; it is left over from a station that did not stop cleanly.)`);
      }
      if (abort.signal.aborted) throw new StationUnreachableError(`The station at ${this.baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s; see its log.`);
      throw new StationUnreachableError(`Cannot reach the station at ${this.baseUrl}: ${(err as Error).message}.`);
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as T };
    } catch {
      throw new StationUnreachableError(`The station at ${this.baseUrl} answered ${res.status} with something that is not JSON; is another program on that port?`);
    }
  }
}
