import { describe, expect, it } from 'vitest';
import { API_BASE_ARG, apiBaseFrom } from './api-base.ts';

describe('preload apiBaseFrom', () => {
  it('takes the origin the main process passed, without a trailing slash', () => {
    expect(apiBaseFrom(['electron', `${API_BASE_ARG}http://127.0.0.1:8400/`], undefined)).toBe('http://127.0.0.1:8400');
  });
  it('falls back to the page origin when served over http', () => {
    expect(apiBaseFrom([], { protocol: 'http:', origin: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000');
  });
  it('is empty for a file:// page with no argument (the console then says it has no station)', () => {
    expect(apiBaseFrom([], { protocol: 'file:', origin: 'null' })).toBe('');
  });
});
