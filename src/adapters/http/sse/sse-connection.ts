import type { ServerResponse } from "node:http";
import { KEEPALIVE_FRAME } from "./sse-frames.js";
import type { DropReason, SseSettings } from "./sse-options.js";

const HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // Reverse proxies (nginx) would otherwise hold frames back to fill their buffers.
  "x-accel-buffering": "no",
};

/**
 * One client's response, written with the socket's own backpressure and nothing else: a write
 * that fills the socket marks the connection full, and a full connection that does not drain
 * within `drainTimeoutMs` is destroyed. Nothing is ever queued here; callers stop writing while
 * the connection is full (see event-pump.ts), so what a client holds in memory is bounded by the
 * socket's buffer plus one batch.
 */
export class SseConnection {
  private full = false;
  private closed = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly drainWaiters: ((drained: boolean) => void)[] = [];
  private readonly closeListeners = new Set<() => void>();
  /** The id of the last stored event handed to the socket. */
  lastWrittenId: bigint | undefined;

  constructor(
    private readonly raw: ServerResponse,
    private readonly settings: SseSettings,
    private readonly path: string,
  ) {
    raw.writeHead(200, HEADERS);
    raw.flushHeaders();
    raw.on("drain", () => this.onDrain());
    raw.on("close", () => this.onClose());
    // A reset by the client surfaces here first, then as close: close is where we clean up.
    raw.on("error", () => {});
    this.keepAlive = setInterval(() => {
      if (!this.full) this.write(KEEPALIVE_FRAME);
    }, settings.keepAliveMs);
  }

  get open(): boolean {
    return !this.closed;
  }

  /** Whether the socket is full: a caller writes nothing more until `drained()`. */
  get isFull(): boolean {
    return this.full;
  }

  /** Writes frames; false once the socket is full (or the client gone). */
  write(frames: string, lastId?: bigint): boolean {
    if (this.closed) return false;
    const accepted = this.raw.write(frames);
    if (lastId !== undefined) this.lastWrittenId = lastId;
    if (!accepted && !this.full) {
      this.full = true;
      this.drainTimer = setTimeout(() => this.drop("drain_timeout"), this.settings.drainTimeoutMs);
    }
    return accepted;
  }

  /** True once the socket can take more; false if the client went away (or was dropped) first. */
  drained(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (!this.full) return Promise.resolve(true);
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Runs once the response is over, whoever ended it. Returns the unregistration. */
  onClosed(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Disconnects at once, without flushing: what is still buffered is lost, but since ids are
   * positions the client resumes from its last complete frame, and a frame cut in half is one
   * an SSE client never dispatches.
   */
  drop(reason: DropReason): void {
    if (this.closed) return;
    const bufferedBytes = this.raw.writableLength;
    this.settings.onDrop({ reason, path: this.path, lastWrittenId: this.lastWrittenId, bufferedBytes });
    this.raw.destroy();
    this.onClose();
  }

  /** Ends the response once what is buffered has been sent (the log closed). */
  end(): void {
    if (!this.closed) this.raw.end();
  }

  private onDrain(): void {
    this.full = false;
    clearTimeout(this.drainTimer);
    for (const resolve of this.drainWaiters.splice(0)) resolve(true);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.drainTimer);
    for (const resolve of this.drainWaiters.splice(0)) resolve(false);
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }
}
