import { locationKey, type BackendLocation } from '../backup/backend/location.js';
import type { BackendCredentials } from '../backup/backend/open.js';
import {
  KeychainEntryCorruptError,
  KeychainLockedError,
  KeychainUnavailableError,
  SessionSecretCache,
  type SecretVault,
} from './keychain.js';

/**
 * What signs in at a network backup destination (a WebDAV password, an SFTP password or key
 * passphrase, S3 keys) and the SFTP host key the person confirmed, kept in the OS keychain next
 * to the master key and never in the settings file, which holds only the location.
 *
 * Account: `destination:<locationKey>:credentials`, JSON of the fields below. When no keychain
 * can be used, this run's memory holds them instead (never a file), as for the master key.
 */
export type DestinationSecrets = Pick<
  BackendCredentials,
  'password' | 'privateKey' | 'passphrase' | 'accessKeyId' | 'secretAccessKey' | 'hostKey'
>;

const FIELDS = [
  'password',
  'privateKey',
  'passphrase',
  'accessKeyId',
  'secretAccessKey',
  'hostKey',
] as const;

export function destinationAccount(location: BackendLocation): string {
  return `destination:${locationKey(location)}:credentials`;
}

/** Only the known string fields, so nothing else a caller holds ends up in the keychain. */
export function cleanSecrets(creds: BackendCredentials): DestinationSecrets {
  const out: Record<string, string | string[]> = {};
  for (const field of FIELDS) {
    const value = creds[field];
    if (typeof value === 'string' && value !== '') out[field] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      out[field] = value.slice();
  }
  return out as DestinationSecrets;
}

export class DestinationSecretStore {
  constructor(
    private readonly vault: SecretVault,
    private readonly session = new SessionSecretCache(),
  ) {}

  async save(location: BackendLocation, creds: BackendCredentials): Promise<void> {
    const account = destinationAccount(location);
    const value = JSON.stringify(cleanSecrets(creds));
    try {
      await this.vault.set(account, value);
      this.session.delete(account);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      this.session.set(account, value);
    }
  }

  /** The saved credentials, or an empty set when none were saved (a server without sign-in). */
  async load(location: BackendLocation): Promise<DestinationSecrets> {
    if (location.kind === 'folder') return {};
    const account = destinationAccount(location);
    let text: string | null = null;
    try {
      text = await this.vault.get(account);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
    }
    text ??= this.session.get(account);
    if (text === null) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new KeychainEntryCorruptError(account);
    }
    if (!parsed || typeof parsed !== 'object') throw new KeychainEntryCorruptError(account);
    return cleanSecrets(parsed as BackendCredentials);
  }

  async forget(location: BackendLocation): Promise<void> {
    if (location.kind === 'folder') return;
    const account = destinationAccount(location);
    this.session.delete(account);
    try {
      await this.vault.delete(account);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
    }
  }
}

function isUnavailable(err: unknown): boolean {
  return err instanceof KeychainUnavailableError || err instanceof KeychainLockedError;
}
