import { configDefaults, defineConfig } from 'vitest/config';

// The fault suite attacks real stations for minutes: `npm run test:faults`, and always in CI.
const faults = (process.env.CI !== undefined && process.env.CI !== 'false') || process.env.RETROVUE_FAULTS === '1';

export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'e2e/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(faults ? [] : ['app/main/faults/**'])],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real ffmpeg pipelines compete for 2 cores: keep files from running all at once.
    maxWorkers: 2,
    pool: 'forks',
  },
});
