import { configDefaults, defineConfig } from 'vitest/config';

// The fault suite attacks real stations for minutes: `npm run test:faults`, and always in CI.
const faults = (process.env.CI !== undefined && process.env.CI !== 'false') || process.env.RETROVUE_FAULTS === '1';

/**
 * Files that play real ffmpeg against the wall clock (tune-in offsets, frames on time, a
 * browser watching a stream). They run one at a time, after the rest: the machine may already
 * be busy with other work, and the suite must not add a second real-time pipeline of its own.
 */
const realTime = [
  'e2e/**/*.test.ts',
  'app/main/faults/{broken-media,process-kill,slow-viewers,station-kill,tune-flapping}.fault.test.ts',
  'app/main/asrun/{asrun-playout,asrun-station}.test.ts',
  'app/main/http/{station-http,schedule-on-air,live-edits}.test.ts',
  'app/main/playout/{channel-output,broken-slot-ready,mux-timing}.test.ts',
  'app/main/runtime/{master-control,hls/hls-station,fanout/fanout-ffmpeg,branding/branding-airing}.test.ts',
  'app/main/runtime/producer/{asset-producer,loudness-airing,output-profiles,sign-off-airing}.test.ts',
];
const exclude = [...configDefaults.exclude, ...(faults ? [] : ['app/main/faults/**'])];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // Everything else: two at a time (2 cores), first.
        test: { name: 'parallel', include: ['app/**/*.test.ts'], exclude: [...exclude, ...realTime], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'real-time', include: realTime, exclude, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
