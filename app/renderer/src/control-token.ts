/**
 * The station's control token in the console. The station prints a `?token=` link; the
 * console keeps the token in this tab's session storage, takes it out of the address bar (so
 * it is not bookmarked or shared by accident) and sends it as a header on control requests.
 * No cookie: another site's page can never act with it.
 */
const KEY = 'retrovue.controlToken';

interface Place {
  href: string;
}
interface Store {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
}
interface History {
  replaceState(data: unknown, unused: string, url: string): void;
}

/** Move a `?token=` from the URL into storage; returns the token now held (or null). */
export function adoptControlToken(location: Place, storage: Store, history: History): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl && /^[A-Za-z0-9_-]{16,128}$/.test(fromUrl)) {
    storage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return storage.getItem(KEY);
}

/** Headers for a state-changing request: JSON plus the bearer token, when the console has one. */
export function controlHeaders(token: string | null): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}
