import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real ffmpeg pipelines compete for 2 cores: keep files from running all at once.
    maxWorkers: 2,
    pool: 'forks',
  },
});
