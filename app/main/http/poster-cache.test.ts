import { describe, expect, it } from 'vitest';
import { PosterBusyError, PosterCache } from './poster-cache.ts';

/** A render that finishes when told to, recording how many run at once. */
function gate() {
  let running = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  const render = (bytes: string) => async (): Promise<Buffer> => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((r) => waiting.push(r));
    running--;
    return Buffer.from(bytes);
  };
  const release = async (): Promise<void> => {
    for (let i = 0; i < 20 && waiting.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    waiting.shift()?.();
  };
  return { render, release, most: () => most };
}

describe('PosterCache', () => {
  it('renders one at a time, shares an in-flight render, and keeps the result', async () => {
    const cache = new PosterCache();
    const g = gate();
    const a1 = cache.get('a', g.render('A'));
    const a2 = cache.get('a', g.render('A again'));
    const b = cache.get('b', g.render('B'));
    await g.release();
    await g.release();
    expect((await a1).toString()).toBe('A');
    expect((await a2).toString(), 'the same render answers both').toBe('A');
    expect((await b).toString()).toBe('B');
    expect(g.most()).toBe(1);
    expect(cache.renders).toBe(2);
    expect((await cache.get('a', g.render('never'))).toString()).toBe('A');
    expect(cache.renders).toBe(2);
  });

  it('does not keep a failure, and refuses a queue that is too long', async () => {
    const cache = new PosterCache({ maxWaiting: 1 });
    await expect(cache.get('x', async () => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    expect((await cache.get('x', async () => Buffer.from('ok'))).toString(), 'tried again').toBe('ok');
    const g = gate();
    const first = cache.get('y', g.render('Y'));
    await expect(cache.get('z', g.render('Z'))).rejects.toBeInstanceOf(PosterBusyError);
    await g.release();
    await first;
  });

  it('drops the least recently asked-for still beyond its size', async () => {
    const cache = new PosterCache({ entries: 2 });
    for (const k of ['a', 'b']) await cache.get(k, async () => Buffer.from(k));
    await cache.get('a', async () => Buffer.from('new a'));
    await cache.get('c', async () => Buffer.from('c'));
    expect((await cache.get('a', async () => Buffer.from('a2'))).toString(), 'a was asked for recently: kept').toBe('a');
    expect((await cache.get('b', async () => Buffer.from('b2'))).toString(), 'b was dropped').toBe('b2');
  });
});
