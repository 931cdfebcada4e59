import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  BackendAuthError,
  BackendNotFoundError,
  BackendProtocolError,
  ObjectNotFoundError,
  StorageError,
} from '../errors.js';
import { assertObjectName, NAME_RE, type Backend, type ObjectStat } from './backend.js';
import {
  DEFAULT_RETRY,
  faultDetail,
  isNetworkFault,
  newStats,
  TransientError,
  withRetry,
  type RetryPolicy,
  type TransferStats,
} from './network.js';

export interface S3Options {
  endpoint: string;
  bucket: string;
  /** Objects live under "prefix/" ('' for the bucket's root). */
  prefix: string;
  region?: string;
  pathStyle?: boolean;
  /** Without keys, the SDK's own chain (environment, ~/.aws, instance roles) is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  label?: string;
  retry?: RetryPolicy;
  stats?: TransferStats;
}

/** Names that are not hashes of their content: written only if absent (see writeAtomic). */
const CONTENT_NAMED = /^(data\/[0-9a-f]{2}|index|snapshots)\/[0-9a-f]{64}$/;

/**
 * A repository in an S3-compatible bucket (AWS S3, Backblaze B2, Cloudflare R2, Wasabi, MinIO),
 * through the AWS SDK. A PUT is atomic on every such service: an object is there whole or not
 * at all. Correctness never rests on listings being up to date: the engine reads objects it
 * knows by name, and a listing only finds what to adopt or prune.
 */
export function createS3Backend(opts: S3Options): Backend & { stats: TransferStats } {
  const label = opts.label ?? `S3 bucket ${opts.bucket}${opts.prefix ? `/${opts.prefix}` : ''}`;
  const policy = opts.retry ?? DEFAULT_RETRY;
  const stats = opts.stats ?? newStats();
  const base = opts.prefix ? `${opts.prefix}/` : '';
  const keepAlive = { keepAlive: true, maxSockets: 16 };
  const client = new S3Client({
    endpoint: opts.endpoint,
    region: opts.region ?? 'us-east-1',
    forcePathStyle: opts.pathStyle ?? true,
    // Retries are ours (with the same policy as every backend); the SDK's would multiply them.
    maxAttempts: 1,
    // Checksums only where a request requires them: several S3-compatible services refuse
    // the SDK's newer default trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 20_000,
      requestTimeout: 300_000,
      httpAgent: new HttpAgent(keepAlive),
      httpsAgent: new HttpsAgent(keepAlive),
    }),
    ...(opts.accessKeyId && opts.secretAccessKey
      ? {
          credentials: {
            accessKeyId: opts.accessKeyId,
            secretAccessKey: opts.secretAccessKey,
            ...(opts.sessionToken ? { sessionToken: opts.sessionToken } : {}),
          },
        }
      : {}),
  });

  /** One request: counted, its errors typed, passing faults retried. */
  function send<T>(object: string, fn: () => Promise<T>): Promise<T> {
    return withRetry({ location: label, policy, stats }, async () => {
      stats.requests++;
      try {
        return await fn();
      } catch (err) {
        throw classify(err, object);
      }
    });
  }

  function classify(err: unknown, object: string): unknown {
    if (err instanceof ObjectNotFoundError) return err;
    if (err instanceof S3ServiceException) {
      const status = err.$metadata?.httpStatusCode ?? 0;
      const name = err.name;
      if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404))
        return new ObjectNotFoundError(object);
      if (name === 'NoSuchBucket')
        return new BackendNotFoundError(
          label,
          `the bucket "${opts.bucket}" does not exist (create it in your provider's console first)`,
        );
      if (
        name === 'InvalidAccessKeyId' ||
        name === 'SignatureDoesNotMatch' ||
        name === 'InvalidToken' ||
        name === 'ExpiredToken' ||
        status === 401
      )
        return new BackendAuthError(label, `${name}: check the access key and secret key`);
      if (name === 'AccessDenied' || status === 403)
        return new StorageError('permission-denied', object, `S3 ${name}`);
      if (/Quota|InsufficientStorage|StorageLimit/i.test(name) || status === 507)
        return new StorageError('disk-full', object, `S3 ${name}`);
      if (
        status === 429 ||
        status >= 500 ||
        name === 'SlowDown' ||
        name === 'RequestTimeout' ||
        name === 'InternalError'
      )
        return new TransientError(`S3 ${name} (HTTP ${status})`, { cause: err });
      return new BackendProtocolError(label, object, `${name} (HTTP ${status})`);
    }
    if (isNetworkFault(err)) return new TransientError(faultDetail(err), { cause: err });
    return err;
  }

  const key = (name: string) => base + name;

  async function head(name: string): Promise<ObjectStat | null> {
    try {
      const r = await send(name, () =>
        client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: key(name) })),
      );
      // PUTs are atomic: nothing here is ever "still arriving".
      return { size: r.ContentLength ?? 0, local: true };
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
  }

  return {
    location: label,
    remote: true,
    stats,
    list: async (prefix) => {
      const rel = prefix.replace(/\/+$/, '');
      if (rel !== '') assertObjectName(rel);
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await send(prefix || 'the bucket', () =>
          client.send(
            new ListObjectsV2Command({
              Bucket: opts.bucket,
              Prefix: base + (rel ? `${rel}/` : ''),
              ContinuationToken: token,
            }),
          ),
        );
        for (const o of page.Contents ?? []) {
          const name = (o.Key ?? '').slice(base.length);
          if (NAME_RE.test(name)) names.push(name);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return names;
    },
    read: async (name, range) => {
      assertObjectName(name);
      if (range?.length === 0) return Promise.resolve(Buffer.alloc(0));
      return send(name, async () => {
        try {
          const r = await client.send(
            new GetObjectCommand({
              Bucket: opts.bucket,
              Key: key(name),
              ...(range
                ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
                : {}),
            }),
          );
          const body = Buffer.from((await r.Body?.transformToByteArray()) ?? new Uint8Array());
          stats.bytesDown += body.length;
          if (range && !r.ContentRange && body.length > range.length)
            return body.subarray(range.offset, range.offset + range.length);
          return body;
        } catch (err) {
          if (err instanceof S3ServiceException && err.name === 'InvalidRange')
            return Buffer.alloc(0);
          throw err;
        }
      });
    },
    writeAtomic: async (name, data) => {
      assertObjectName(name);
      // Content-named objects hold the same bytes whoever writes them; the others (config,
      // key slots, locks) must never be replaced: look first. (Conditional PUTs are not
      // offered by every S3-compatible service.)
      if (!CONTENT_NAMED.test(name) && (await head(name))) return;
      await send(name, () =>
        client.send(
          new PutObjectCommand({
            Bucket: opts.bucket,
            Key: key(name),
            Body: data,
            ContentLength: data.byteLength,
            ContentType: 'application/octet-stream',
          }),
        ),
      );
      stats.bytesUp += data.byteLength;
    },
    delete: async (name) => {
      assertObjectName(name);
      await send(name, () =>
        client.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key(name) })),
      );
    },
    stat: async (name) => {
      assertObjectName(name);
      return head(name);
    },
    move: async (from, to) => {
      const src = typeof from === 'string' ? from : from.id;
      assertObjectName(src);
      assertObjectName(to);
      if (await head(to))
        throw Object.assign(new Error(`${to} already exists`), { code: 'EEXIST' });
      if (!(await head(src))) throw new ObjectNotFoundError(src);
      await send(to, () =>
        client.send(
          new CopyObjectCommand({
            Bucket: opts.bucket,
            Key: key(to),
            CopySource: `${opts.bucket}/${key(src).split('/').map(encodeURIComponent).join('/')}`,
          }),
        ),
      );
      await send(src, () =>
        client.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key(src) })),
      );
    },
    close: async () => {
      client.destroy();
    },
  };
}
