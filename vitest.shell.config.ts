import { defineConfig } from 'vitest/config';

/**
 * The shell proofs (shell-proof/): tests of what `npm run build` made, so they run after it
 * (`npm run test:shell`, and in `npm test` after the unit tests). They boot the built main
 * bundle under an electron stand-in, load the built preload in a sandbox-shaped context, and
 * package the app with electron-builder against a stand-in Electron distribution.
 */
export default defineConfig({
  test: {
    include: ['shell-proof/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
