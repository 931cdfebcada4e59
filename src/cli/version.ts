/** Replaced at bundle time by scripts/build-cli.mjs with package.json's version. */
declare const __CHATKEEP_VERSION__: string | undefined;

export const CLI_VERSION: string =
  typeof __CHATKEEP_VERSION__ === 'string' ? __CHATKEEP_VERSION__ : '0.0.0-dev';
