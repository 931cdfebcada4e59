import type { z } from 'zod';
import {
  channels,
  type ChannelName,
  type ParsedRequestOf,
  type ReplyOf,
} from '../shared/ipc/contract';
import type { IpcErrorPayload, IpcReply } from '../shared/ipc/errors';

/**
 * Handlers are plain async functions of a validated request. They know nothing of Electron, so
 * the Electron IPC wiring, the e2e test bridge, the CLI and the tests all call the same code.
 */
export type Handlers = {
  [C in ChannelName]: (request: ParsedRequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C>;
};

/** An error a handler throws on purpose: its code and message reach the renderer as they are. */
export interface CodedError {
  code: string;
  message: string;
}

function isCodedError(error: unknown): error is Error & CodedError {
  return (
    error instanceof Error &&
    typeof (error as Partial<CodedError>).code === 'string' &&
    // Node system errors (ENOENT...) carry codes too, but their messages hold paths: map them.
    !/^E[A-Z]+$/.test((error as unknown as CodedError).code)
  );
}

function validationError(error: z.ZodError): IpcErrorPayload {
  return {
    code: 'INVALID_REQUEST',
    message: 'The request was not valid.',
    issues: error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

export type ErrorLogger = (channel: string, error: unknown) => void;

/**
 * Validate a request against the contract and run its handler. Never throws: every failure,
 * including an unknown channel and a handler crash, becomes a typed error reply.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  payload: unknown,
  logError: ErrorLogger = () => {},
): Promise<IpcReply<unknown>> {
  if (typeof channel !== 'string' || !Object.hasOwn(channels, channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown request.' } };
  }
  const name = channel as ChannelName;
  const parsed = channels[name].request.safeParse(payload ?? {});
  if (!parsed.success) return { ok: false, error: validationError(parsed.error) };
  try {
    const handler = handlers[name] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (isCodedError(error))
      return { ok: false, error: { code: error.code, message: error.message } };
    logError(name, error);
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'Something went wrong inside Chatkeep. Please try again.',
      },
    };
  }
}
