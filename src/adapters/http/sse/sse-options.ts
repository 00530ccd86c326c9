import { InvalidArgumentError } from "../../../domain/errors.js";

/** Why the server ended a client's stream on its own. */
export type DropReason = "drain_timeout" | "server_closing";

export interface SseDrop {
  readonly reason: DropReason;
  readonly path: string;
  /** The id of the last stored event written to the socket (the client has it once it reads that far). */
  readonly lastWrittenId: bigint | undefined;
  /** Bytes written but still in the server's buffers when the client was dropped. */
  readonly bufferedBytes: number;
}

export interface SseOptions {
  /** Between two `: keepalive` comments, so proxies and clients see an idle stream is alive. Default 15 s. */
  readonly keepAliveMs?: number;
  /**
   * How long a client whose socket is full may take to drain it before it is disconnected.
   * It resumes with `Last-Event-ID` and loses nothing. Default 10 s.
   */
  readonly drainTimeoutMs?: number;
  /** Frames written to the socket in one write while catching up. Default 64 KiB. */
  readonly batchBytes?: number;
  /** Told of every client the server disconnected (for the server's log). */
  readonly onDrop?: (drop: SseDrop) => void;
}

export interface SseSettings {
  readonly keepAliveMs: number;
  readonly drainTimeoutMs: number;
  readonly batchBytes: number;
  readonly onDrop: (drop: SseDrop) => void;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen <= 0) throw new InvalidArgumentError(name, "expected a positive integer");
  return chosen;
}

export function sseSettings(options: SseOptions = {}): SseSettings {
  return {
    keepAliveMs: positive("keepAliveMs", options.keepAliveMs, 15_000),
    drainTimeoutMs: positive("drainTimeoutMs", options.drainTimeoutMs, 10_000),
    batchBytes: positive("batchBytes", options.batchBytes, 64 * 1024),
    onDrop: options.onDrop ?? (() => {}),
  };
}
