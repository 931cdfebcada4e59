// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Process boundaries, enforced rather than hoped for (as Signal-Desktop does):
 * - the renderer and src/shared run in a sandboxed page: nothing from Node, Electron or the
 *   Node cores, only src/shared and npm packages made for the browser;
 * - the preload may use electron's renderer half and src/shared only;
 * - the Node cores (store, backup, importers, services, CLI, seed) never import electron, so the
 *   tests and the CLI run them under plain Node.
 */
const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'net',
  'http',
  'https',
  'stream',
  'url',
  'util',
  'zlib',
  'events',
  'buffer',
];
const NATIVE_AND_NODE_PACKAGES = [
  'better-sqlite3',
  'sodium-native',
  'keytar',
  'zstd-napi',
  'yauzl',
  'stream-json',
  'commander',
];

/** Import patterns for a folder of src/, imported as a folder or by file. */
const folders = (...names) => names.flatMap((name) => [`**/${name}`, `**/${name}/**`]);

const NODE_SIDE = [
  'export',
  'main',
  'preload',
  'store',
  'backup',
  'importers',
  'services',
  'cli',
  'node',
  'seed',
  'app-backup',
];

/**
 * The renderer and src/shared may import only src/shared (and browser packages). Import
 * specifiers are relative, and the renderer has folders named like Node cores (its own
 * backup/), so the rule is written per folder depth: from a file N levels below src/, a Node
 * core is exactly N `../` away, and anything further up leaves src/ altogether.
 */
function browserRule(ups, extraPatterns = []) {
  return [
    'error',
    {
      paths: [
        {
          name: 'electron',
          message: 'The renderer talks to main only through window.chatkeep.',
        },
        ...NATIVE_AND_NODE_PACKAGES.map((name) => ({ name, message: 'Node-only package.' })),
      ],
      patterns: [
        { group: NODE_BUILTINS, message: 'The renderer and src/shared run without Node.' },
        {
          regex: `^(\\.\\./){${ups}}(${NODE_SIDE.join('|')})(/|$)`,
          message: 'Only src/shared is common to both sides of the IPC boundary.',
        },
        {
          regex: `^(\\.\\./){${ups + 1},}`,
          message: 'The renderer and src/shared import nothing from outside src/.',
        },
        ...extraPatterns,
      ],
    },
  ];
}

function browserBoundary(root, upsToSrc) {
  return [0, 1, 2, 3, 4].map((depth) => ({
    files: [`${root}/${'*/'.repeat(depth)}*.{ts,tsx}`],
    rules: { 'no-restricted-imports': browserRule(upsToSrc + depth) },
  }));
}

/**
 * The renderer's features (src/renderer/src/features/<name>) use each other only through a
 * feature's index (`../backup`), never its internals (`../backup/SecurityCard`); ui/ and tasks/
 * are generic and import no feature at all. ESLint replaces a rule's options per file rather than
 * merging them, so these configs repeat the browser boundary for the files they cover.
 */
const FEATURES = ['chats', 'import', 'backup', 'settings'];

function featureBoundaries() {
  const configs = [];
  for (const feature of FEATURES) {
    const others = FEATURES.filter((f) => f !== feature).join('|');
    for (const depth of [0, 1, 2]) {
      configs.push({
        files: [`src/renderer/src/features/${feature}/${'*/'.repeat(depth)}*.{ts,tsx}`],
        rules: {
          'no-restricted-imports': browserRule(4 + depth, [
            {
              regex: `^(\\.\\./){${depth + 1}}(${others})/`,
              message: "Use another feature only through its index (e.g. '../backup').",
            },
          ]),
        },
      });
    }
  }
  for (const generic of ['ui', 'tasks']) {
    configs.push({
      files: [`src/renderer/src/${generic}/*.{ts,tsx}`],
      rules: {
        'no-restricted-imports': browserRule(3, [
          {
            regex: '^\\.\\./features(/|$)',
            message: `${generic}/ is generic: it imports no feature.`,
          },
        ]),
      },
    });
  }
  return configs;
}

/**
 * Layers of the Node cores, bottom up: node < store < backup, importers < export, seed,
 * app-backup < services, cli (the composition roots, with src/main). Production files of a
 * layer import nothing from a layer beside or above it; tests, fixtures and the backup engine's
 * fault tests (which drive the CLI binary) are exempt. ESLint replaces a rule's options per
 * file, so each layer repeats the Node-core rules.
 */
const TEST_FILES = [
  'src/**/*.test.ts',
  'src/**/testing/**',
  'src/**/fixtures/**',
  'src/**/test-support.ts',
  'src/**/test-helpers.ts',
  'src/backup/faults/**',
];
const SHELL = ['main', 'preload', 'renderer'];
const LAYERS = {
  node: [
    'shared',
    'store',
    'backup',
    'importers',
    'export',
    'seed',
    'app-backup',
    'services',
    'cli',
  ],
  store: ['backup', 'importers', 'export', 'seed', 'app-backup', 'services', 'cli'],
  backup: ['importers', 'export', 'seed', 'app-backup', 'services', 'cli'],
  importers: ['backup', 'export', 'seed', 'app-backup', 'services', 'cli'],
  seed: ['backup', 'importers', 'export', 'app-backup', 'services', 'cli'],
  'app-backup': ['importers', 'export', 'seed', 'services', 'cli'],
};

function coreLayers() {
  return Object.entries(LAYERS).map(([layer, forbidden]) => ({
    files: [`src/${layer}/**/*.ts`],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [
            { group: folders(...SHELL), message: 'Node cores do not reach into the app shell.' },
            {
              group: folders(...forbidden),
              message: `src/${layer} is below ${forbidden.map((f) => `src/${f}`).join(', ')}: pass what you need in, or move the code down.`,
            },
          ],
        },
      ],
    },
  }));
}

const noElectron = {
  paths: [
    { name: 'electron', message: 'Node cores must not depend on Electron: pass what you need in.' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '.tmp/**',
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.electron-native/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'src/shared/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  ...browserBoundary('src/shared', 1),
  ...browserBoundary('src/renderer/src', 2),
  ...featureBoundaries(),
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'The sandboxed preload has no Node.' },
            {
              group: folders(
                'main',
                'store',
                'backup',
                'importers',
                'services',
                'cli',
                'node',
                'renderer',
              ),
              message: 'The preload may use src/shared only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/store/**/*.ts',
      'src/backup/**/*.ts',
      'src/importers/**/*.ts',
      'src/services/**/*.ts',
      'src/cli/**/*.ts',
      'src/seed/**/*.ts',
      'src/node/**/*.ts',
      'src/app-backup/**/*.ts',
      'src/export/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [
            {
              group: folders('main', 'preload', 'renderer'),
              message: 'Node cores do not reach into the app shell.',
            },
          ],
        },
      ],
    },
  },
  ...coreLayers(),
  {
    // src/export is a layer over the store: it reads through src/store and uses src/node and
    // src/shared, and nothing above it (the CLI, the services and the app call it, never the
    // reverse). Its tests and test fixtures may also use the importers and the seed generator.
    files: ['src/export/**/*.ts'],
    ignores: ['src/export/**/*.test.ts', 'src/export/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noElectron,
          patterns: [
            {
              group: folders('main', 'preload', 'renderer'),
              message: 'Node cores do not reach into the app shell.',
            },
            {
              group: folders('cli', 'services', 'importers', 'backup', 'app-backup', 'seed'),
              message: 'src/export depends only on src/store, src/node and src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: folders('renderer', 'preload'), message: 'Main talks to them over IPC.' },
          ],
        },
      ],
    },
  },
);
