/**
 * Stateless seeded randomness. Every choice is a hash of (seed, time, salt), not a
 * draw from a stream, so rebuilding any stretch of time reproduces it exactly no
 * matter what was built before it.
 */
import { createHash } from 'node:crypto';

/** 32-bit avalanche mix (murmur3 finaliser). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of any number of numbers (each may exceed 32 bits, e.g. epoch ms). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    const lo = v | 0;
    const hi = Math.floor(v / 0x1_0000_0000) | 0;
    h = fmix(Math.imul(h ^ lo, 0x27d4eb2d) + 0x165667b1);
    h = fmix(Math.imul(h ^ hi, 0x27d4eb2d) + 0x165667b1);
  }
  return h;
}

/** One-round hash of a 32-bit salt and a small integer (hot path: ranking candidates). */
export function mix(salt: number, n: number): number {
  return fmix((salt ^ Math.imul(n, 0x9e3779b1)) >>> 0);
}

/** mulberry32: a tiny seeded stream, for tests and benches that need many numbers. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
