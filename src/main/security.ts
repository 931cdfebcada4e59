import type { Session, WebContents } from 'electron';

/** The renderer is only ever loaded from here (see protocols.ts). */
export const APP_ORIGIN = 'app://chatkeep';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' chatkeep-media: data: blob:",
  "media-src 'self' chatkeep-media:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Headers on every app:// response. The policy travels on the Response itself: session
 * webRequest hooks do not see custom protocols, and a meta policy (index.html keeps one as a
 * second line) cannot carry frame-ancestors.
 */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
});

/**
 * Headers on every media response: were a media file ever shown as a page of its own (an SVG,
 * an HTML file someone sent), it could run nothing.
 */
export const MEDIA_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': "default-src 'none'; sandbox",
});

/** The same response with `headers` set on it (protocol handlers' responses are immutable). */
export function withHeaders(response: Response, headers: Readonly<Record<string, string>>) {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: merged,
  });
}

export function isAppUrl(url: string): boolean {
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
}

/** Deny every permission (camera, notifications from web content, geolocation, clipboard...). */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/**
 * No navigation away from the app, no new windows, no webviews. Links open only through the
 * `app.openExternal` channel, which asks the person in main's own dialog first; a page asking for
 * a window (window.open, target=_blank) gets nothing.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
