import { mkdtempSync, rmSync } from "node:fs";
import { type ClientRequest, type IncomingMessage, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { afterEach } from "vitest";
import { ColonyHost } from "../../../../src/adapters/http/colony-host.js";
import { eventStreams } from "../../../../src/adapters/http/routes/event-streams.js";
import { buildServer } from "../../../../src/adapters/http/server.js";
import type { SseDrop, SseOptions } from "../../../../src/adapters/http/sse/sse-options.js";

export interface SseServer {
  readonly host: ColonyHost;
  readonly app: FastifyInstance;
  readonly port: number;
  readonly drops: SseDrop[];
}

/** A real server on 127.0.0.1 over a ColonyHost on a temp SQLite file, closed after each test. */
export function sseServers(): (options?: SseOptions & { token?: string }) => Promise<SseServer> {
  const opened: { server: SseServer; dir: string }[] = [];
  afterEach(async () => {
    for (const { server, dir } of opened.splice(0)) {
      await server.app.close();
      await server.host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return async ({ token, ...options } = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "colonylog-sse-"));
    const host = await ColonyHost.open(join(dir, "colony.db"));
    const drops: SseDrop[] = [];
    const app = buildServer({
      routes: [],
      version: "test",
      ...(token === undefined ? {} : { token }),
      plugins: [eventStreams(host, { ...options, onDrop: (drop) => drops.push(drop) })],
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("the server has no TCP address");
    const server = { host, app, port: address.port, drops };
    opened.push({ server, dir });
    return server;
  };
}

export interface Frame {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** Waits, at most `ms`, for `condition`; fails naming `what` otherwise. */
export async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * An SSE client over node's http, parsing frames as the EventSource specification does: a frame
 * is dispatched only once its blank line arrives, so a frame cut by a dropped connection is lost,
 * as it is for a browser.
 */
export class SseClient {
  readonly frames: Frame[] = [];
  readonly comments: string[] = [];
  status: number | undefined;
  headers: IncomingMessage["headers"] = {};
  body = "";
  closed = false;
  private buffer = "";
  private response: IncomingMessage | undefined;
  private readonly req: ClientRequest;

  private constructor(port: number, path: string, headers: Record<string, string>) {
    this.req = request({ host: "127.0.0.1", port, path, headers: { accept: "text/event-stream", ...headers } });
    this.req.on("response", (response) => {
      this.response = response;
      this.status = response.statusCode;
      this.headers = response.headers;
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (this.status === 200) this.parse(chunk);
        else this.body += chunk;
      });
      response.on("close", () => {
        this.closed = true;
      });
    });
    this.req.on("error", () => {
      this.closed = true;
    });
    this.req.end();
  }

  static async open(server: SseServer, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient(server.port, path, headers);
    await until(`a response to ${path}`, () => client.status !== undefined || client.closed);
    return client;
  }

  /** The ids of the stored events received, in order. */
  get ids(): number[] {
    return this.frames.filter((f) => f.id !== undefined).map((f) => Number(f.id));
  }

  get lastId(): string | undefined {
    return this.frames.findLast((f) => f.id !== undefined)?.id;
  }

  /** The error body of a refused request. */
  async json(): Promise<{ error: { code: string; message: string } }> {
    await until("the whole body", () => this.closed);
    return JSON.parse(this.body) as { error: { code: string; message: string } };
  }

  /** Stops reading: the socket's buffers fill and the server sees a client that does not drain. */
  stall(): void {
    this.response?.pause();
    this.response?.socket.pause();
  }

  resume(): void {
    this.response?.socket.resume();
    this.response?.resume();
  }

  close(): void {
    this.req.destroy();
  }

  private parse(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf("\n\n"); end >= 0; end = this.buffer.indexOf("\n\n")) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | undefined;
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") id = value;
        else if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length > 0) this.frames.push({ id, event, data: data.join("\n") });
    }
  }
}

/** Appends `count` events to a colony stream, each naming its index (and padded to `bytes`). */
export async function appendMarks(host: ColonyHost, stream: string, count: number, bytes = 0): Promise<number[]> {
  const positions: number[] = [];
  for (let i = 0; i < count; i++) {
    const reason = `mark ${i} `.padEnd(bytes, "x");
    const result = await host.db.events.append(stream, [{ type: "TimersPaused", data: { reason } }], {
      expectedVersion: "any",
    });
    positions.push(Number(result.events[0]?.position));
  }
  return positions;
}

/** 1..n */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
