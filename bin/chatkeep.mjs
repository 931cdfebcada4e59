#!/usr/bin/env node
// The CLI is bundled by scripts/build-cli.mjs (run by `npm run prepare`).
import '../out/cli/chatkeep.js';
