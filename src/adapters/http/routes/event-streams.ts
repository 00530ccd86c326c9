import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../api-error.js";
import type { ColonyHost } from "../colony-host.js";
import type { StreamRoute } from "../route.js";
import { type PumpSource, pumpEvents, type Selection } from "../sse/event-pump.js";
import { logSelection, sessionSelection } from "../sse/selection.js";
import { SessionScope } from "../sse/session-scope.js";
import { SseConnection } from "../sse/sse-connection.js";
import { type SseOptions, sseSettings } from "../sse/sse-options.js";
import { parseQuery, parseSessionParams, SessionParams, StreamQuery, startPosition } from "../sse/stream-request.js";

/**
 * The event streams (DESIGN §8): `GET /api/events` and `GET /api/sessions/:session_id/events`.
 *
 * - A stored event: `id: <global position>`, `event: <type>`, `data: <export JSON line>`.
 * - A live-bus signal: `event: text_delta | tool_call_started`, `data: <the signal>`, no id; only
 *   while the client is at the head of the log with room in its socket, never replayed.
 * - `: keepalive` comments while idle.
 * - `?types=A,B` (event types or signal kinds), `?streams=`, `?categories=` (comma lists; a
 *   signal counts as its conversation's stream), `?from=` (first position, inclusive; default 1);
 *   `Last-Event-ID` wins over `from` and resumes just after it.
 *
 * Every input is checked, and a bad one answered with the API's error shape, before the stream
 * starts; after that the response is ours (hijacked) and ends only by the client leaving, the
 * server dropping a client that does not drain (sse-connection.ts), or the server closing.
 */
/** How the two streams are documented in /openapi.json. */
export const eventStreamRoutes: readonly StreamRoute[] = [
  {
    path: "/api/events",
    operationId: "streamEvents",
    summary: "Every stored event from a position on, then live, as server-sent events (resumable by Last-Event-ID)",
    tags: ["events"],
    query: StreamQuery,
  },
  {
    path: "/api/sessions/:session_id/events",
    operationId: "streamSessionEvents",
    summary: "The events of one session, its conversations, workers and colony, as server-sent events",
    tags: ["events", "sessions"],
    params: SessionParams,
    query: StreamQuery,
    errors: [404],
  },
];

export function eventStreams(host: ColonyHost, options: SseOptions = {}): (app: FastifyInstance) => void {
  const settings = sseSettings(options);
  return (app) => {
    const open = new Set<SseConnection>();
    const source: PumpSource = { events: host.db.events, signals: host.bus.signals };

    // Streams never end on their own: without this, closing the server would wait for them.
    app.addHook("preClose", async () => {
      for (const connection of [...open]) connection.drop("server_closing");
    });

    const stream = async (request: FastifyRequest, reply: FastifyReply, from: bigint, selection: Selection) => {
      reply.hijack();
      const connection = new SseConnection(reply.raw, settings, request.url.split("?")[0] ?? request.url);
      open.add(connection);
      connection.onClosed(() => open.delete(connection));
      try {
        await pumpEvents(connection, source, selection, from, settings.batchBytes);
      } catch (error) {
        console.error(error);
        connection.end();
      }
    };

    // No HEAD twins: a HEAD would open a stream that can never carry a byte.
    const route = { exposeHeadRoute: false };

    app.get("/api/events", route, async (request, reply) => {
      const query = parseQuery(request.query);
      const from = startPosition(request.headers["last-event-id"], query, await host.db.events.headPosition());
      await stream(request, reply, from, logSelection(query));
    });

    app.get("/api/sessions/:session_id/events", route, async (request, reply) => {
      const { session_id: sessionId } = parseSessionParams(request.params);
      const query = parseQuery(request.query);
      const from = startPosition(request.headers["last-event-id"], query, await host.db.events.headPosition());
      const scope = await SessionScope.load(host.db.readModels, sessionId);
      if (!scope) throw new ApiError(404, "session_not_found", `no session ${sessionId}`, { sessionId });
      await stream(request, reply, from, sessionSelection(scope, query));
    });
  };
}
