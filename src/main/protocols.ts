import { net, protocol } from 'electron';
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolveInside } from '../services/safe-path';
import { APP_RESPONSE_HEADERS, MEDIA_RESPONSE_HEADERS, withHeaders } from './security';

/**
 * The renderer is served from app://chatkeep/ (never file://, which would give every page the
 * whole disk), and media from chatkeep-media://media/<sha256>, which serves only files the
 * chat store's media folder resolves.
 */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
    { scheme: 'chatkeep-media', privileges: { standard: true, secure: true, stream: true } },
  ]);
}

const notFound = (headers: Readonly<Record<string, string>>) =>
  new Response('Not found', { status: 404, headers: { ...headers } });

export function handleAppProtocol(rendererDir: string): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'chatkeep') return notFound(APP_RESPONSE_HEADERS);
    const file = resolveInside(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    // A missing file is a 404 like any other (net.fetch would reject: a network error).
    if (!file || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      return notFound(APP_RESPONSE_HEADERS);
    }
    return withHeaders(await net.fetch(pathToFileURL(file).toString()), APP_RESPONSE_HEADERS);
  });
}

export function handleMediaProtocol(resolveMedia: (name: string) => string | null): void {
  protocol.handle('chatkeep-media', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'media') return notFound(MEDIA_RESPONSE_HEADERS);
    const file = resolveMedia(url.pathname.replace(/^\//, ''));
    if (!file) return notFound(MEDIA_RESPONSE_HEADERS);
    // Pass Range headers through so video and audio can seek.
    const response = await net.fetch(pathToFileURL(file).toString(), { headers: request.headers });
    return withHeaders(response, MEDIA_RESPONSE_HEADERS);
  });
}
