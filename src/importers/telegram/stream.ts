import fs from 'node:fs';
import { Transform } from 'node:stream';
import Assembler from 'stream-json/assembler.js';
import parserMod from 'stream-json/parser.js';
import { DamagedFileError, ImportCancelledError, TruncatedFileError } from '../core/errors.js';

/** What the streaming reader of a Telegram `result.json` reports, in file order. */
export type TelegramEvent =
  | { type: 'personal'; info: Record<string, unknown> }
  | { type: 'chat-start' }
  | { type: 'chat-meta'; key: string; value: unknown }
  | { type: 'message'; value: Record<string, unknown> }
  | { type: 'chat-end' };

type Frame = {
  array: boolean;
  key: string | null;
  index: number;
  isChat: boolean;
  isMessages: boolean;
};

interface Tok {
  name: string;
  value?: unknown;
}

/**
 * Streams a Telegram Desktop export (a full export or one chat) in bounded memory: only one
 * message object is assembled at a time. Chats are the objects in `chats.list` / `left_chats.list`
 * or the root object itself when it has `messages`.
 */
export async function* readTelegramExport(
  file: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
): AsyncGenerator<TelegramEvent> {
  const size = fs.statSync(file).size;
  let consumed = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      consumed += chunk.length;
      opts.onBytes?.(consumed);
      cb(null, chunk);
    },
  });
  const tokens = fs
    .createReadStream(file)
    .pipe(counter)
    .pipe(parserMod.asStream({ streamValues: false }));

  const stack: Frame[] = [];
  let asm: Assembler | null = null;
  let asmTarget: 'message' | 'personal' | 'meta' | null = null;
  let asmKey = '';
  // The root object becomes a chat only once we see its `messages` key.
  let rootIsChat = false;
  let sawRoot = false;

  const rootScalars: [string, unknown][] = [];
  const parentIsChatList = (): boolean => {
    // Entering an element of chats.list / left_chats.list: stack = [root{key:chats}, obj{key:list}, array]
    const n = stack.length;
    const arr = stack[n - 1];
    const listObj = stack[n - 2];
    const root = stack[n - 3];
    return (
      n === 3 &&
      arr?.array === true &&
      listObj?.key === 'list' &&
      (root?.key === 'chats' || root?.key === 'left_chats')
    );
  };

  try {
    for await (const t of tokens as AsyncIterable<Tok>) {
      if (opts.signal?.aborted) throw new ImportCancelledError();
      if (asm) {
        asm.consume(t as never);
        if (asm.done) {
          const value = asm.current;
          asm = null;
          if (
            asmTarget === 'message' &&
            value &&
            typeof value === 'object' &&
            !Array.isArray(value)
          ) {
            yield { type: 'message', value: value as Record<string, unknown> };
          } else if (asmTarget === 'personal' && value && typeof value === 'object') {
            yield { type: 'personal', info: value as Record<string, unknown> };
          } else if (asmTarget === 'meta') {
            yield { type: 'chat-meta', key: asmKey, value };
          }
          asmTarget = null;
          const top = stack[stack.length - 1];
          if (top?.array) top.index++;
        }
        continue;
      }
      const top = stack[stack.length - 1];
      switch (t.name) {
        case 'keyValue':
          if (top) top.key = String(t.value);
          if (stack.length === 1 && top?.key === 'messages' && !rootIsChat && sawRoot) {
            rootIsChat = true;
            top.isChat = true;
            yield { type: 'chat-start' };
            for (const [key, value] of rootScalars) yield { type: 'chat-meta', key, value };
            rootScalars.length = 0;
          }
          break;
        case 'startObject':
        case 'startArray': {
          const isArray = t.name === 'startArray';
          if (top?.isMessages && !isArray) {
            asm = new Assembler();
            asm.consume(t as never);
            asmTarget = 'message';
            break;
          }
          if (top?.isChat && !top.array && top.key !== 'messages') {
            // A structured chat field (rare): keep it whole as metadata.
            asm = new Assembler();
            asm.consume(t as never);
            asmTarget = 'meta';
            asmKey = top.key ?? '';
            break;
          }
          if (stack.length === 1 && top?.key === 'personal_information' && !isArray) {
            asm = new Assembler();
            asm.consume(t as never);
            asmTarget = 'personal';
            break;
          }
          const isChat = !isArray && parentIsChatList();
          const isMessages = isArray && top?.isChat === true && top.key === 'messages';
          if (stack.length === 0) sawRoot = true;
          stack.push({ array: isArray, key: null, index: 0, isChat, isMessages });
          if (isChat) yield { type: 'chat-start' };
          break;
        }
        case 'endObject':
        case 'endArray': {
          const done = stack.pop();
          if (done?.isChat) yield { type: 'chat-end' };
          const parent = stack[stack.length - 1];
          if (parent?.array) parent.index++;
          break;
        }
        default: {
          // A scalar value.
          if (top?.isChat && !top.array && top.key !== null) {
            yield { type: 'chat-meta', key: top.key, value: t.value };
          } else if (stack.length === 1 && top?.key && !rootIsChat && rootScalars.length < 64) {
            rootScalars.push([top.key, t.value]);
          }
          if (top?.array) top.index++;
        }
      }
    }
  } catch (e) {
    if (e instanceof ImportCancelledError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    // A complete export ends with its root object's closing brace; a cut-off copy does not.
    if (!endsWithBrace(file, size)) {
      throw new TruncatedFileError(`${file} ends in the middle of its JSON (${msg})`, { cause: e });
    }
    throw new DamagedFileError(`${file} is not valid JSON (${msg})`, { cause: e });
  }
  if (stack.length > 0 || asm !== null) {
    throw new TruncatedFileError(`${file} ends in the middle of its JSON`);
  }
}

function endsWithBrace(file: string, size: number): boolean {
  const n = Math.min(size, 256);
  if (n === 0) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    fs.readSync(fd, buf, 0, n, size - n);
    return buf.toString('latin1').trimEnd().endsWith('}');
  } finally {
    fs.closeSync(fd);
  }
}
