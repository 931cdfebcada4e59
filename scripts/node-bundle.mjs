/**
 * What every esbuild bundle of our Node code shares (the `chatkeep` CLI and the app's worker
 * threads): one self-contained ES module per entry, with only the native modules left outside.
 *
 * Self-contained matters for the packaged app: worker threads are started from
 * `app.asar.unpacked` (src/node/worker-entry.ts), where nothing inside the asar archive can be
 * imported, so a worker may import only Node built-ins and the native modules unpacked beside it.
 */
export const NATIVE_MODULES = ['better-sqlite3', 'sodium-native', 'zstd-napi', 'keytar'];

/** esbuild options for a Node bundle; `electron` stays external too (it never reaches a worker). */
export function nodeBundleOptions({ root, version }) {
  return {
    absWorkingDir: root,
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'node',
    // The oldest Node that runs these bundles: the CLI's and the tests' (Electron's is newer).
    target: 'node20',
    // Error classes are matched by name across the worker boundary.
    keepNames: true,
    // ssh2's optional native crypto (a `.node` file it requires inside try/catch, and
    // cpu-features) is left out: without it ssh2 uses its JavaScript implementation.
    external: [...NATIVE_MODULES, 'electron', 'cpu-features', '*.node'],
    define: { __CHATKEEP_VERSION__: JSON.stringify(version) },
    // Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require.
    banner: {
      js: "import { createRequire as __ckCreateRequire } from 'node:module'; const require = __ckCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}
