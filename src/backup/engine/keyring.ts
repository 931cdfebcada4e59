import type { Backend } from '../backend/backend.js';
import { blake2b256 } from '../crypto/primitives.js';
import { RepoKeys } from '../crypto/repo-keys.js';
import {
  BackupNotSyncedError,
  NoKeyFilesError,
  ObjectNotFoundError,
  ObjectNotLocalError,
  RepositoryDamagedError,
  RepositoryNotFoundError,
  SecretKindMissingError,
  WrongSecretError,
  toStorageError,
} from '../errors.js';
import {
  CONFIG_COPY_OBJECT,
  CONFIG_OBJECT,
  decodeConfigLenient,
  encodeConfig,
  type RepoConfig,
} from '../format/config.js';
import {
  deriveSlotKey,
  insecureTestKdfAllowed,
  isDefaultKdf,
  isWeakArgon2,
  kdfProblem,
  keySlotObject,
  parseKeySlot,
  slotInfo,
  unwrapMaster,
  type KeySlotInfo,
  type KeySlotKind,
  type ParsedKeySlot,
} from '../format/key-slot.js';

/**
 * The repository's keys as the folder holds them: `config` and every key slot are stored
 * twice (`config` + `copies/config`, `keys/<id>` + `copies/keys/<id>`), and a sync client may
 * add conflict copies of either. Opening reads every copy and uses whichever verifies, so one
 * damaged, missing or half-synced file never locks a person out of their backup.
 */

export const SLOT_COPY_PREFIX = 'copies/keys/';

export function slotCopyObject(id: string): string {
  return `${SLOT_COPY_PREFIX}${id}`;
}

export interface ConfigCandidate {
  config: RepoConfig;
  checksumOk: boolean;
  /** Which file, e.g. `config`, `copies/config (Dropbox conflict copy)`, `keys/<id>`. */
  source: string;
  /** Taken from a key slot's embedded copy rather than a config file. */
  fromSlot: boolean;
}

export interface SlotCandidate {
  id: string;
  source: string;
  slot: ParsedKeySlot;
}

export interface KeyringProblem {
  object: string;
  error: RepositoryDamagedError | ObjectNotLocalError;
}

export interface OpenedKeys {
  master: Buffer;
  config: RepoConfig;
  /**
   * The slot that opened and its slot key (a copy the caller zeroes): lets a key change write
   * a slot made before key epochs again in version 2 without asking for its secret twice.
   */
  slot: { id: string; key: Buffer };
  /** Things a person should know about but that did not stop the opening. */
  warnings: string[];
}

interface Copy {
  source: string;
  bytes: Buffer;
}

/** Every readable copy of an object; copies that cannot be read are reported as problems. */
async function readCopies(
  backend: Backend,
  name: string,
  problems: KeyringProblem[],
): Promise<Copy[]> {
  const out: Copy[] = [];
  const variants = backend.variants ? await backend.variants(name) : null;
  if (variants === null || variants.length === 0) {
    try {
      out.push({ source: name, bytes: await backend.read(name) });
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return out;
      if (err instanceof ObjectNotLocalError) problems.push({ object: name, error: err });
      else throw toStorageError(err, name);
    }
    return out;
  }
  for (const v of variants) {
    const source = v.label === 'the object' ? name : `${name} (${v.label})`;
    try {
      out.push({ source, bytes: await v.read() });
    } catch (err) {
      if (err instanceof ObjectNotLocalError) problems.push({ object: source, error: err });
      else if (!(err instanceof ObjectNotFoundError)) throw toStorageError(err, name);
    }
  }
  return out;
}

export async function readConfigCandidates(
  backend: Backend,
  problems: KeyringProblem[] = [],
): Promise<ConfigCandidate[]> {
  const out: ConfigCandidate[] = [];
  for (const name of [CONFIG_OBJECT, CONFIG_COPY_OBJECT]) {
    for (const copy of await readCopies(backend, name, problems)) {
      try {
        const { config, checksumOk } = decodeConfigLenient(copy.bytes, copy.source);
        out.push({ config, checksumOk, source: copy.source, fromSlot: false });
      } catch (err) {
        if (!(err instanceof RepositoryDamagedError)) throw err;
        problems.push({ object: copy.source, error: err });
      }
    }
  }
  return out;
}

export async function slotIds(backend: Backend): Promise<string[]> {
  const ids = new Set<string>();
  for (const prefix of ['keys/', SLOT_COPY_PREFIX]) {
    for (const name of await backend.list(prefix)) {
      const id = name.slice(name.lastIndexOf('/') + 1);
      if (/^[0-9a-f]{64}$/.test(id)) ids.add(id);
    }
  }
  return [...ids].sort();
}

/** Every distinct readable copy of every slot (a slot and its copy usually give one). */
export async function readSlotCandidates(
  backend: Backend,
  problems: KeyringProblem[] = [],
): Promise<SlotCandidate[]> {
  const out: SlotCandidate[] = [];
  for (const id of await slotIds(backend)) {
    const seen = new Set<string>();
    for (const name of [keySlotObject(id), slotCopyObject(id)]) {
      for (const copy of await readCopies(backend, name, problems)) {
        const key = copy.bytes.toString('base64');
        if (seen.has(key)) continue;
        seen.add(key);
        try {
          out.push({ id, source: copy.source, slot: parseKeySlot(copy.bytes, copy.source) });
        } catch (err) {
          if (!(err instanceof RepositoryDamagedError)) throw err;
          problems.push({ object: copy.source, error: err });
        }
      }
    }
  }
  return out;
}

/** Slot facts for `key list`: one entry per slot id, from any copy that parses. */
export async function listSlots(backend: Backend): Promise<KeySlotInfo[]> {
  const byId = new Map<string, KeySlotInfo>();
  for (const c of await readSlotCandidates(backend)) {
    if (!byId.has(c.id) || c.slot.checksumOk) byId.set(c.id, slotInfo(c.id, c.slot.header));
  }
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Chatkeep's own parameters first, then the newest key epoch (a copy of an older slot that the
 * same secret opens, put back by a cloud's version history, must not win: it holds older keys
 * only), then the cheapest: a crafted slot cannot go first. A slot claiming a newer epoch
 * than it holds does not open (its keyring's tag fails), and the next is tried.
 */
function tryOrder(a: SlotCandidate, b: SlotCandidate): number {
  const da = isDefaultKdf(a.slot.header.kdf) ? 0 : 1;
  const db = isDefaultKdf(b.slot.header.kdf) ? 0 : 1;
  if (da !== db) return da - db;
  const ea = a.slot.header.epoch ?? 0;
  const eb = b.slot.header.epoch ?? 0;
  if (ea !== eb) return eb - ea;
  if (a.slot.checksumOk !== b.slot.checksumOk) return a.slot.checksumOk ? -1 : 1;
  return cost(a) - cost(b);
}

function cost(c: SlotCandidate): number {
  const k = c.slot.header.kdf;
  return k.alg === 'argon2id13' ? k.opsLimit * k.memLimit : 0;
}

/** Opens the master key with a password or recovery key, trying every copy of every slot. */
export async function openWithSecret(
  backend: Backend,
  kind: KeySlotKind,
  secret: Buffer,
): Promise<OpenedKeys> {
  const problems: KeyringProblem[] = [];
  const configs = await readConfigCandidates(backend, problems);
  const slots = await readSlotCandidates(backend, problems);
  const location = backend.location ?? 'this location';
  if (slots.length === 0) {
    const notLocal = problems.filter((p) => p.error instanceof ObjectNotLocalError);
    if (notLocal.length > 0)
      throw new BackupNotSyncedError(
        notLocal.map((p) => p.object),
        'not-downloaded',
      );
    const damagedSlot = problems.find((p) => !p.object.startsWith('config'));
    if (damagedSlot) throw damagedSlot.error;
    if (configs.length === 0 && problems.length === 0) throw new RepositoryNotFoundError(location);
    throw new NoKeyFilesError(location);
  }

  const derived = new Map<string, Buffer>();
  const warnings: string[] = [];
  let opened: { master: Buffer; repoId: string; candidate: SlotCandidate; slotKey: Buffer } | null =
    null;
  const ofKind = slots.filter((s) => s.slot.header.kind === kind).sort(tryOrder);
  for (const c of ofKind) {
    const kdf = c.slot.header.kdf;
    const problem = kdfProblem(kdf);
    if (problem) {
      problems.push({ object: c.source, error: new RepositoryDamagedError(c.source, problem) });
      continue;
    }
    const cacheKey = JSON.stringify(kdf);
    let slotKey = derived.get(cacheKey);
    if (!slotKey) {
      try {
        slotKey = await deriveSlotKey(kdf, secret);
      } catch (err) {
        problems.push({
          object: c.source,
          error: new RepositoryDamagedError(c.source, `key derivation failed: ${String(err)}`, {
            cause: err,
          }),
        });
        continue;
      }
      derived.set(cacheKey, slotKey);
    }
    const repoIds = [
      ...new Set([
        ...(c.slot.header.config ? [c.slot.header.config.repoId] : []),
        ...configs.map((x) => x.config.repoId),
      ]),
    ];
    for (const repoId of repoIds) {
      const master = unwrapMaster(c.slot, slotKey, Buffer.from(repoId, 'hex'));
      if (master) {
        opened = { master, repoId, candidate: c, slotKey: Buffer.from(slotKey) };
        break;
      }
    }
    if (opened) break;
    if (!c.slot.checksumOk) {
      // Its checksum already said it is damaged, and it did not open: it may have been the
      // slot for this secret.
      problems.push({
        object: c.source,
        error: new RepositoryDamagedError(
          c.source,
          'checksum mismatch, and the key inside does not open',
        ),
      });
    }
  }
  for (const k of derived.values()) k.fill(0);

  if (!opened) {
    const notLocal = problems.filter((p) => p.error instanceof ObjectNotLocalError);
    if (notLocal.length > 0)
      throw new BackupNotSyncedError(
        notLocal.map((p) => p.object),
        'not-downloaded',
      );
    // A slot we could not read or try may have been the one this secret opens: say so
    // rather than "wrong password".
    const slotDamage = problems.find(
      (p) => !p.object.startsWith('config') && !p.object.startsWith('copies/config'),
    );
    if (slotDamage) throw slotDamage.error;
    if (ofKind.length === 0) throw new SecretKindMissingError(kind);
    if (configs.length === 0 && !ofKind.some((c) => c.slot.header.config)) {
      throw new RepositoryDamagedError(
        CONFIG_OBJECT,
        'missing (it may not have synced to this computer yet); the key slots of this backup ' +
          'are from an older Chatkeep and hold no copy of it',
      );
    }
    throw new WrongSecretError(kind);
  }

  const embedded = slots
    .filter((s) => s.slot.header.config)
    .map((s): ConfigCandidate => ({
      config: s.slot.header.config!,
      checksumOk: s.slot.checksumOk,
      source: s.source,
      fromSlot: true,
    }));
  const config = chooseConfig([...configs, ...embedded], opened.master, opened.repoId);
  if (!config) {
    opened.slotKey.fill(0);
    opened.master.fill(0);
    // The slot opened, so it is sound: the config file must have been altered.
    throw new RepositoryDamagedError(CONFIG_OBJECT, 'key check does not match');
  }
  if (!opened.candidate.slot.checksumOk) {
    warnings.push(
      `The checksum of key file ${opened.candidate.source} is damaged, but the key inside it is intact; "repair" rewrites it.`,
    );
  }
  const kdf = opened.candidate.slot.header.kdf;
  // Test suites create weak slots on purpose (and say so with the variable).
  if (kdf.alg === 'argon2id13' && isWeakArgon2(kdf) && !insecureTestKdfAllowed()) {
    warnings.push(
      `Key file ${opened.candidate.source} uses weaker password hashing than Chatkeep's minimum; change the password to strengthen it.`,
    );
  }
  warnings.push(...configWarnings(config, configs));
  return {
    master: opened.master,
    config: config.config,
    warnings,
    slot: { id: opened.candidate.id, key: opened.slotKey },
  };
}

/** Opens with a master key kept by this computer (the OS keychain): the key check decides. */
export async function openWithMasterKey(
  backend: Backend,
  master: Buffer,
): Promise<{ config: RepoConfig; warnings: string[] }> {
  const problems: KeyringProblem[] = [];
  const configs = await readConfigCandidates(backend, problems);
  // Slots carry a copy of the config in clear: enough when every config file is gone.
  const embedded = (await readSlotCandidates(backend).catch(() => [] as SlotCandidate[]))
    .filter((s) => s.slot.header.config)
    .map((s): ConfigCandidate => ({
      config: s.slot.header.config!,
      checksumOk: s.slot.checksumOk,
      source: s.source,
      fromSlot: true,
    }));
  const all = [...configs, ...embedded];
  for (const repoId of new Set(all.map((c) => c.config.repoId))) {
    const chosen = chooseConfig(all, master, repoId);
    if (chosen) return { config: chosen.config, warnings: configWarnings(chosen, configs) };
  }
  if (all.length === 0) {
    const notLocal = problems.filter((p) => p.error instanceof ObjectNotLocalError);
    if (notLocal.length > 0)
      throw new BackupNotSyncedError(
        notLocal.map((p) => p.object),
        'not-downloaded',
      );
    if (problems.length > 0) throw problems[0]!.error;
    throw new RepositoryNotFoundError(backend.location ?? 'this location');
  }
  throw new WrongSecretError('master-key');
}

/** The candidate for `repoId` whose key check the master key proves, preferring sound files. */
function chooseConfig(
  candidates: ConfigCandidate[],
  master: Buffer,
  repoId: string,
): ConfigCandidate | null {
  const keys = new RepoKeys(master, Buffer.from(repoId, 'hex'));
  const keyCheck = keys.keyCheck();
  keys.dispose();
  const good = candidates.filter(
    (c) => c.config.repoId === repoId && c.config.keyCheck === keyCheck,
  );
  good.sort(
    (a, b) =>
      Number(a.fromSlot) - Number(b.fromSlot) || Number(b.checksumOk) - Number(a.checksumOk),
  );
  return good[0] ?? null;
}

function configWarnings(chosen: ConfigCandidate, files: ConfigCandidate[]): string[] {
  const sound = files.filter((f) => f.checksumOk && f.config.repoId === chosen.config.repoId);
  if (chosen.fromSlot) {
    return [
      'The backup\'s "config" file is missing or damaged (it may not have synced to this computer yet); ' +
        'Chatkeep used the copy kept in a key file. "repair" writes it back.',
    ];
  }
  if (sound.length < 2) {
    return [
      'One of the two copies of the backup\'s "config" file is missing or damaged; "repair" restores it.',
    ];
  }
  return [];
}

/** Writes `config` and its copy. Never replaces an existing file (see Backend.writeAtomic). */
export async function writeConfigFiles(backend: Backend, config: RepoConfig): Promise<void> {
  const bytes = encodeConfig(config);
  await backend.writeAtomic(CONFIG_OBJECT, bytes);
  await backend.writeAtomic(CONFIG_COPY_OBJECT, bytes);
}

export async function writeSlotFiles(backend: Backend, id: string, bytes: Buffer): Promise<void> {
  await backend.writeAtomic(keySlotObject(id), bytes);
  await backend.writeAtomic(slotCopyObject(id), bytes);
}

/** Removes a slot and its copy (and any conflict copies a sync client made of them). */
export async function deleteSlotFiles(backend: Backend, id: string): Promise<void> {
  await backend.delete(slotCopyObject(id));
  await backend.delete(keySlotObject(id));
}

/**
 * Repair: writes back any copy of `config` or of a key slot that is missing or damaged, from
 * a copy that verifies (damaged ones are moved aside first, never overwritten). A slot removed
 * on another computer whose removal has not fully synced here would come back: repair after
 * the folder has finished syncing.
 */
export async function healKeyFiles(
  backend: Backend,
  config: RepoConfig,
  moveAside: (object: string) => Promise<string>,
): Promise<string[]> {
  const restored: string[] = [];
  const configBytes = encodeConfig(config);
  const soundConfig = (b: Buffer): boolean => {
    try {
      const d = decodeConfigLenient(b);
      return d.checksumOk && JSON.stringify(d.config) === JSON.stringify(config);
    } catch {
      return false;
    }
  };
  const soundSlot = (b: Buffer): boolean => {
    try {
      return parseKeySlot(b, 'slot').checksumOk;
    } catch {
      return false;
    }
  };
  const heal = async (name: string, good: Buffer, sound: (b: Buffer) => boolean) => {
    let own: Buffer | null = null;
    try {
      own = await backend.read(name);
    } catch (err) {
      if (err instanceof ObjectNotLocalError) return; // still in the cloud: leave it be
      if (!(err instanceof ObjectNotFoundError)) throw toStorageError(err, name);
    }
    if (own && sound(own)) return;
    if (own) await moveAside(name);
    await backend.writeAtomic(name, good);
    restored.push(name);
  };
  await heal(CONFIG_OBJECT, configBytes, soundConfig);
  await heal(CONFIG_COPY_OBJECT, configBytes, soundConfig);
  const candidates = await readSlotCandidates(backend);
  for (const id of new Set(candidates.map((c) => c.id))) {
    const good = candidates.find((c) => c.id === id && c.slot.checksumOk);
    if (!good) continue;
    const bytes = Buffer.concat([
      good.slot.prefix,
      good.slot.box,
      blake2b256(Buffer.concat([good.slot.prefix, good.slot.box])),
    ]);
    await heal(keySlotObject(id), bytes, soundSlot);
    await heal(slotCopyObject(id), bytes, soundSlot);
  }
  return restored;
}

/** Config candidates from config files and, failing those, from key slots (no secret needed). */
export async function peekConfigs(backend: Backend): Promise<ConfigCandidate[]> {
  const files = await readConfigCandidates(backend);
  if (files.some((c) => c.checksumOk)) return files.filter((c) => c.checksumOk);
  const fromSlots = (await readSlotCandidates(backend))
    .filter((s) => s.slot.header.config && s.slot.checksumOk)
    .map((s): ConfigCandidate => ({
      config: s.slot.header.config!,
      checksumOk: true,
      source: s.source,
      fromSlot: true,
    }));
  return fromSlots;
}
