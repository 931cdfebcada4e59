import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // Worker entries sit beside index.js, where src/node/worker-entry.ts looks for them.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'store.worker': resolve(__dirname, 'src/store/worker/store.worker.ts'),
          'backup.worker': resolve(__dirname, 'src/backup/worker/backup.worker.ts'),
          'media.worker': resolve(__dirname, 'src/backup/worker/media.worker.ts'),
          'import.worker': resolve(__dirname, 'src/services/import-worker/import.worker.ts'),
          'export.worker': resolve(__dirname, 'src/export/worker/export.worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // Sandboxed preloads cannot be ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
