import type { Writable } from 'node:stream';

/**
 * What a command prints. With `--json` a command prints exactly one JSON document on stdout
 * (its result, or `{ "ok": false, "error": ... }`) and nothing else there; without it, human
 * text. Notices and warnings always go to stderr so they never corrupt piped output.
 */
export class Output {
  private resultWritten = false;

  constructor(
    readonly json: boolean,
    private readonly stdout: Writable,
    private readonly stderr: Writable,
    private readonly quiet = false,
  ) {}

  result(doc: unknown, human: () => string): void {
    if (this.resultWritten) throw new Error('a command printed two results');
    this.resultWritten = true;
    if (this.json) this.stdout.write(`${JSON.stringify({ ok: true, ...asObject(doc) })}\n`);
    else {
      const text = human();
      if (text.length > 0) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** `extra`: result data that still matters on failure (e.g. check's report). */
  failure(error: { code: string; message: string }, extra: Record<string, unknown> = {}): void {
    if (this.json && !this.resultWritten) {
      this.resultWritten = true;
      this.stdout.write(`${JSON.stringify({ ok: false, ...extra, error })}\n`);
    }
    this.stderr.write(`chatkeep: ${error.message}\n`);
  }

  info(message: string): void {
    if (!this.quiet && !this.json) this.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    this.stderr.write(`warning: ${message}\n`);
  }
}

function asObject(doc: unknown): Record<string, unknown> {
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    return doc as Record<string, unknown>;
  }
  return { result: doc };
}
