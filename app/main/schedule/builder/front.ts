/**
 * How many from the front of a rotation compete, fewest plays first and seeded
 * among equals; never more than half the pool (Rotation.window), so what just
 * aired waits its turn. Programs and spots choose the same way.
 */
export const FRONT = 8;
