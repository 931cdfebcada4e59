import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Component tests (*.test.tsx) choose their DOM with a `@vitest-environment happy-dom` line.
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Native modules (better-sqlite3, sodium-native) and worker threads do not mix well with
    // vitest's thread pool; forks isolate each file in its own process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
