import type { Writable } from "node:stream";
import { ColonyError } from "../../domain/errors.js";

/** What a verb may touch of the outside world, so tests can run the CLI in-process. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** The terminal width when stdout is a terminal; tables fit it. */
  readonly columns?: number;
  /** Aborted on SIGINT / SIGTERM: ends `--follow`, interrupts long reads and imports. */
  readonly signal?: AbortSignal;
}

/** The reader of our stdout went away (`colony export | head`): stop quietly. */
export class OutputClosedError extends Error {
  constructor() {
    super("output closed");
    this.name = "OutputClosedError";
  }
}

export class InterruptedError extends ColonyError<"interrupted"> {
  constructor(what: string) {
    super("interrupted", `interrupted: ${what}`);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new InterruptedError(what);
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END";
}

/** Writes a chunk and, when the stream's buffer is full, waits for it to drain. */
export async function writeChunk(stream: Writable, chunk: string): Promise<void> {
  if (stream.destroyed || stream.writableEnded) throw new OutputClosedError();
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      stream.off("drain", onDrain);
      stream.off("error", onError);
      stream.off("close", onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => settle();
    const onError = (error: unknown) => settle(isBrokenPipe(error) ? new OutputClosedError() : error);
    const onClose = () => settle(new OutputClosedError());
    stream.on("drain", onDrain);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}

/** Collects lines into chunks of ~64 KiB: one write per chunk, not per line, with backpressure. */
export class LineOutput {
  private buffer = "";

  constructor(
    private readonly stream: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {}

  async line(text: string): Promise<void> {
    this.buffer += `${text}\n`;
    if (this.buffer.length >= this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = "";
    if (chunk.length > 0) await writeChunk(this.stream, chunk);
  }
}

/** For messages on stderr: small, never worth waiting for. */
export function say(stream: Writable, text: string): void {
  if (!stream.destroyed && !stream.writableEnded) stream.write(`${text}\n`);
}
