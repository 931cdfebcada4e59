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
    // Tests create key slots with the cheapest Argon2 parameters; the engine refuses those
    // unless this is set (see format/key-slot.ts).
    env: { CHATKEEP_INSECURE_TEST_KDF: '1' },
    hookTimeout: 60_000,
  },
});
