import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A recorded payload from ./recorded (see its README for where each one came from). */
export function recorded(name: string): string {
  return readFileSync(new URL(`./recorded/${name}`, import.meta.url), "utf8");
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export type Reply =
  /** A JSON body as recorded, with its status. */
  | { readonly json: string; readonly status?: number; readonly headers?: Readonly<Record<string, string>> }
  /**
   * An SSE body as recorded. With `stallAfter`, only that many events are sent and the stream stays
   * open; with `breakAfter`, the connection is cut after that many.
   */
  | { readonly sse: string; readonly stallAfter?: number; readonly breakAfter?: number }
  /** Never answers: the call can only end by its abort signal. */
  | { readonly hold: true };

/**
 * A real HTTP server on 127.0.0.1 (port 0) standing in for a vendor's API: it keeps every request
 * the SDK sent and answers with the next queued reply, so the SDKs run their real HTTP and SSE
 * code against recorded wire payloads. Nothing leaves the machine.
 */
export class RecordingServer {
  readonly received: ReceivedRequest[] = [];
  private readonly replies: Reply[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<RecordingServer> {
    const server = createServer();
    const recording = new RecordingServer(server);
    server.on("request", (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        recording.received.push({
          method: request.method ?? "",
          path: request.url ?? "",
          headers: request.headers,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
        recording.answer(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return recording;
  }

  /** The server's origin plus `path`, e.g. `url("/v1")` for an OpenAI base URL. */
  url(path = ""): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  /** Resolves once `count` requests have arrived. */
  async requests(count: number): Promise<void> {
    while (this.received.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private answer(response: ServerResponse): void {
    const reply = this.replies.shift();
    if (!reply) {
      response.writeHead(599, { "content-type": "text/plain" }).end("the test queued no reply for this request");
      return;
    }
    if ("hold" in reply) return;
    if ("json" in reply) {
      response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers }).end(reply.json);
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const events = reply.sse.split(/(?<=\n\n)/);
    const sent = reply.stallAfter ?? reply.breakAfter;
    if (sent === undefined) {
      response.end(reply.sse);
      return;
    }
    for (const event of events.slice(0, sent)) response.write(event);
    if (reply.breakAfter !== undefined) setTimeout(() => response.socket?.destroy(), 20);
  }
}
