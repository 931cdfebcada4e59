/**
 * The error shape that crosses IPC. Handlers throw typed errors with a stable `code`; the
 * dispatcher turns any throw into this, so the renderer can branch on `code` and show `message`.
 * Stack traces and causes never cross: they can hold paths or secrets.
 */
export const IPC_ERROR_CODES = [
  'INVALID_REQUEST',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'NOT_FOUND',
  'INTERNAL',
] as const;

export interface IpcErrorPayload {
  /** A stable machine code: one of IPC_ERROR_CODES or a domain code such as WRONG_SECRET. */
  code: string;
  /** A sentence for a person: what went wrong and, where possible, what to do. */
  message: string;
  /** For INVALID_REQUEST: which fields were wrong. */
  issues?: { path: string; message: string }[];
}

export type IpcReply<T> = { ok: true; value: T } | { ok: false; error: IpcErrorPayload };

/** Thrown in the renderer by window.chatkeep calls whose reply was an error. */
export class ChatkeepError extends Error {
  readonly code: string;
  readonly issues: { path: string; message: string }[] | undefined;
  constructor(payload: IpcErrorPayload) {
    super(payload.message);
    this.name = 'ChatkeepError';
    this.code = payload.code;
    this.issues = payload.issues;
  }
}
