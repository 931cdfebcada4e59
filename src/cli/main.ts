import { restrictNewFilesToOwner } from '../node/private-files.js';
import { main } from './run.js';

/** Entry point of the `chatkeep` command (bundled to out/cli/chatkeep.js by scripts/build-cli.mjs). */
// Stores, restored chats, key files and backup folders it creates are the user's own (0600/0700).
restrictNewFilesToOwner();
const code = await main();
process.exitCode = code;
// Every resource is closed by now; should a stray handle keep the loop alive, a script waiting
// on us must still get its exit code.
setTimeout(() => process.exit(code), 2000).unref();
