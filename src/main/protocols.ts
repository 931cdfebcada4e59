import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { resolveInside } from '../services/safe-path';

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

const notFound = () => new Response('Not found', { status: 404 });

export function handleAppProtocol(rendererDir: string): void {
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    if (url.host !== 'chatkeep') return notFound();
    const file = resolveInside(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    return file ? net.fetch(pathToFileURL(file).toString()) : notFound();
  });
}

export function handleMediaProtocol(resolveMedia: (name: string) => string | null): void {
  protocol.handle('chatkeep-media', (request) => {
    const url = new URL(request.url);
    if (url.host !== 'media') return notFound();
    const file = resolveMedia(url.pathname.replace(/^\//, ''));
    // Pass Range headers through so video and audio can seek.
    return file
      ? net.fetch(pathToFileURL(file).toString(), { headers: request.headers })
      : notFound();
  });
}
