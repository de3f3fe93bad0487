import { describe, expect, it } from 'vitest';
import { adoptControlToken, controlHeaders } from './control-token.ts';

function env(href: string) {
  const store = new Map<string, string>();
  const urls: string[] = [];
  return {
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    history: { replaceState: (_d: unknown, _u: string, url: string) => void urls.push(url) },
    location: { href },
    urls,
  };
}

describe('control token in the console', () => {
  it('takes ?token= out of the address bar into session storage, and sends it as a bearer header', () => {
    const e = env('http://127.0.0.1:8410/?token=abcdefghijklmnop_QRST-123&x=1#grid');
    const token = adoptControlToken(e.location, e.storage, e.history);
    expect(token).toBe('abcdefghijklmnop_QRST-123');
    expect(e.urls).toEqual(['/?x=1#grid']);
    expect(controlHeaders(token).authorization).toBe('Bearer abcdefghijklmnop_QRST-123');
    // Later loads without the parameter keep it.
    expect(adoptControlToken({ href: 'http://127.0.0.1:8410/' }, e.storage, e.history)).toBe(token);
  });
  it('ignores a malformed token and sends no authorization without one', () => {
    const e = env('http://h/?token=%22%3E%3Cscript%3E');
    expect(adoptControlToken(e.location, e.storage, e.history)).toBeNull();
    expect(e.urls).toEqual([]);
    expect(controlHeaders(null).authorization).toBeUndefined();
  });
});
