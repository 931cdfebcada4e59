#!/usr/bin/env node
// Run first by `npm start` and `npm run dist`: says in one sentence that this Node is too old
// for Electron's tooling (scripts/electron-tooling-node.mjs), before it fails halfway.
import { electronToolingMinimumNode, unmetElectronTooling } from './electron-tooling-node.mjs';

const unmet = unmetElectronTooling(process.version);
if (unmet.length > 0) {
  const needs = unmet.map(({ name, range }) => `${name} needs Node ${range}`).join(', ');
  console.error(
    `Running or packaging the app needs Node ${electronToolingMinimumNode()} or newer ` +
      `(${needs}); this is ${process.version}. The tests and the chatkeep command line ` +
      'run on the Node versions in package.json "engines".',
  );
  process.exit(1);
}
