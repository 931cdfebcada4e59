/**
 * Run in a child process by keychain.test.ts with the environment under test (for example a
 * D-Bus address pointing nowhere): exercises a KeytarVault and prints what happened as JSON.
 * The secret comes in through the environment and must appear nowhere in the output.
 */
import { KeytarVault, RepoKeyStore, masterKeyAccount } from '../keychain.js';

const secret = process.env.CK_PROBE_SECRET ?? '';
const service = process.env.CK_PROBE_SERVICE ?? 'app.chatkeep.backup.probe';

function describeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; reason?: unknown };
  return { name: e.name, code: e.code, message: e.message, reason: e.reason };
}

const vault = new KeytarVault({ service, timeoutMs: 20_000 });
const result: Record<string, unknown> = {};
result.available = await vault.available();
try {
  await vault.set(masterKeyAccount('probe-repo'), secret);
  result.set = 'stored';
} catch (err) {
  result.set = describeError(err);
}
try {
  result.get = await vault.get(masterKeyAccount('probe-repo'));
} catch (err) {
  result.get = describeError(err);
}
const store = new RepoKeyStore(vault);
result.saveMasterKey = await store.saveMasterKey('probe-repo', Buffer.from(secret, 'utf8'));
const loaded = await store.loadMasterKey('probe-repo');
result.sessionRoundTrip = loaded?.toString('utf8') === secret;
process.stdout.write(JSON.stringify(result));
