import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
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
  deadlineMs,
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
  /** A connection silent for this long is given up and the request retried. */
  timeoutMs?: number;
}

/**
 * Objects above this size go up in parts (S3's smallest part is 5 MiB): a part that fails is
 * sent again alone, so a pack gets through a link that drops every few megabytes, and the
 * object appears only when its upload completes.
 */
const MULTIPART_ABOVE = 8 * 1024 * 1024;
const PART_BYTES = 5 * 1024 * 1024;

/** Names that are not hashes of their content: written only if absent (see writeAtomic). */
const CONTENT_NAMED = /^(data\/[0-9a-f]{2}|index|snapshots)\/[0-9a-f]{64}$/;

/**
 * A repository in an S3-compatible bucket (AWS S3, Backblaze B2, Cloudflare R2, Wasabi, MinIO),
 * through the AWS SDK. A PUT is atomic on every such service: an object is there whole or not
 * at all. Correctness never rests on listings being up to date: the engine reads objects it
 * knows by name, and a listing only finds what to adopt or prune.
 */
export function createS3Backend(opts: S3Options): Backend & { stats: TransferStats } {
  // The SDK prints a multi-line notice on every run under Node 20 about its own future
  // releases (the version Chatkeep ships with is locked): noise in every `chatkeep` command's
  // output, and nothing the person can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
      connectionTimeout: Math.min(20_000, opts.timeoutMs ?? 20_000),
      requestTimeout: opts.timeoutMs ?? 60_000,
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

  /**
   * One request: counted, given a deadline (an explicit abort: a stalled connection must not
   * hold a backup), its errors typed, passing faults retried.
   */
  function send<T>(
    object: string,
    fn: (o: { abortSignal: AbortSignal }) => Promise<T>,
    bytes = 0,
  ): Promise<T> {
    return withRetry({ location: label, policy, stats }, async () => {
      stats.requests++;
      const controller = new AbortController();
      const timer = setTimeout(
        () =>
          controller.abort(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' })),
        deadlineMs(bytes, opts.timeoutMs),
      );
      try {
        return await fn({ abortSignal: controller.signal });
      } catch (err) {
        throw classify(err, object);
      } finally {
        clearTimeout(timer);
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
      const r = await send(name, (o) =>
        client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: key(name) }), o),
      );
      // PUTs are atomic: nothing here is ever "still arriving".
      return { size: r.ContentLength ?? 0, local: true };
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
  }

  async function multipart(name: string, data: Uint8Array): Promise<void> {
    const created = await send(name, (o) =>
      client.send(
        new CreateMultipartUploadCommand({
          Bucket: opts.bucket,
          Key: key(name),
          ContentType: 'application/octet-stream',
        }),
        o,
      ),
    );
    const uploadId = created.UploadId!;
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let off = 0, n = 1; off < data.byteLength; off += PART_BYTES, n++) {
        const body = data.subarray(off, Math.min(off + PART_BYTES, data.byteLength));
        const r = await send(
          name,
          (o) =>
            client.send(
              new UploadPartCommand({
                Bucket: opts.bucket,
                Key: key(name),
                UploadId: uploadId,
                PartNumber: n,
                Body: body,
                ContentLength: body.byteLength,
              }),
              o,
            ),
          body.byteLength,
        );
        stats.bytesUp += body.byteLength;
        parts.push({ ETag: r.ETag!, PartNumber: n });
      }
      await send(name, (o) =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: opts.bucket,
            Key: key(name),
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
          o,
        ),
      );
    } catch (err) {
      await client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: opts.bucket,
            Key: key(name),
            UploadId: uploadId,
          }),
        )
        .catch(() => undefined);
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
        const page = await send(prefix || 'the bucket', (o) =>
          client.send(
            new ListObjectsV2Command({
              Bucket: opts.bucket,
              Prefix: base + (rel ? `${rel}/` : ''),
              ContinuationToken: token,
            }),
            o,
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
      return send(
        name,
        async (o) => {
          try {
            const r = await client.send(
              new GetObjectCommand({
                Bucket: opts.bucket,
                Key: key(name),
                ...(range
                  ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
                  : {}),
              }),
              o,
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
        },
        range?.length ?? 16 << 20,
      );
    },
    writeAtomic: async (name, data) => {
      assertObjectName(name);
      // Content-named objects hold the same bytes whoever writes them; the others (config,
      // key slots, locks) must never be replaced: look first. (Conditional PUTs are not
      // offered by every S3-compatible service.)
      if (!CONTENT_NAMED.test(name) && (await head(name))) return;
      if (data.byteLength > MULTIPART_ABOVE) return multipart(name, data);
      await send(
        name,
        (o) =>
          client.send(
            new PutObjectCommand({
              Bucket: opts.bucket,
              Key: key(name),
              Body: data,
              ContentLength: data.byteLength,
              ContentType: 'application/octet-stream',
            }),
            o,
          ),
        data.byteLength,
      );
      stats.bytesUp += data.byteLength;
    },
    delete: async (name) => {
      assertObjectName(name);
      await send(name, (o) =>
        client.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key(name) }), o),
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
      await send(to, (o) =>
        client.send(
          new CopyObjectCommand({
            Bucket: opts.bucket,
            Key: key(to),
            CopySource: `${opts.bucket}/${key(src).split('/').map(encodeURIComponent).join('/')}`,
          }),
          o,
        ),
      );
      await send(src, (o) =>
        client.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key(src) }), o),
      );
    },
    close: async () => {
      client.destroy();
    },
  };
}
