// House rules that tooling can check. Each area of app/ gets the imports it may use;
// see README "Boundaries" for the why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const CHILD_PROCESS = { name: 'node:child_process', message: 'Only app/main/media and app/main/playout run processes (ffmpeg/ffprobe). Go through them.' };
const CHILD_PROCESS_BARE = { name: 'child_process', message: CHILD_PROCESS.message };
const PRODUCER_IMPLS = {
  group: ['**/producer/*-producer', '**/producer/*-producer.ts'],
  message: 'Only the ChannelManager starts, stops or swaps producers.',
};
const SCHEDULE_OR_LIBRARY = {
  group: ['**/schedule/**', '**/library/**', '**/db/**'],
  message: 'Producers and the playout engine render the plan they are given; they never read the schedule or the library.',
};

const restrict = (paths, patterns) => ['error', { paths, patterns }];

const SYSTEM_TIME = [
  'error',
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Ask the MasterClock for now (clock.nowMs()).' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Ask the MasterClock for now (new Date(clock.nowMs())).' },
  { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'Use clock.monotonicMs().' },
  { selector: "MemberExpression[object.name='process'][property.name='hrtime']", message: 'Use clock.monotonicMs().' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.cache/**', 'app/main/db/migrations/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', performance: 'readonly', fetch: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // MasterClock is law: nothing in the app reads system time but the clock module.
  { files: ['app/**/*.ts', 'app/**/*.tsx'], ignores: ['app/main/clock/master-clock.ts', '**/*.test.ts'], rules: { 'no-restricted-syntax': SYSTEM_TIME } },
  // Default for the main process: no process spawning, no producer implementations.
  { files: ['app/main/**/*.ts'], rules: { 'no-restricted-imports': restrict([CHILD_PROCESS, CHILD_PROCESS_BARE], [PRODUCER_IMPLS]) } },
  // The ChannelManager is the one module that creates and drives producers.
  { files: ['app/main/runtime/channel-manager.ts', 'app/main/runtime/producer-factory.ts'], rules: { 'no-restricted-imports': restrict([CHILD_PROCESS, CHILD_PROCESS_BARE], []) } },
  // Producers render plans; they never reach the schedule or library.
  { files: ['app/main/runtime/producer/**/*.ts'], rules: { 'no-restricted-imports': restrict([CHILD_PROCESS, CHILD_PROCESS_BARE], [SCHEDULE_OR_LIBRARY]) } },
  // The playout engine owns ffmpeg processes, and is still blind to schedule and library.
  { files: ['app/main/playout/**/*.ts'], rules: { 'no-restricted-imports': restrict([], [SCHEDULE_OR_LIBRARY]) } },
  // Binary resolution, probing and media generation run ffmpeg/ffprobe.
  { files: ['app/main/media/**/*.ts'], rules: { 'no-restricted-imports': restrict([], [PRODUCER_IMPLS]) } },
  // The renderer talks to the station only through app/shared types and the preload bridge / HTTP.
  {
    files: ['app/renderer/**/*.ts', 'app/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict(
        [{ name: 'electron', message: 'The renderer reaches the station through the preload bridge or HTTP.' }],
        [
          { group: ['**/main/**', '../main/*', '../../main/*'], message: 'The renderer never imports main-process code; share types via app/shared.' },
          { group: ['node:*'], message: 'The renderer runs in a browser; no Node built-ins.' },
        ],
      ),
    },
  },
  // Tests may do what they need to check the rules from outside.
  { files: ['**/*.test.ts', 'app/main/test-support/**', 'e2e/**', 'bench/**', 'scripts/**'], rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' } },
);
