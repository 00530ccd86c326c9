import type { FastifyInstance } from "fastify";
import type { ColonyHost } from "./colony-host.js";
import { eventStreamRoutes, eventStreams } from "./routes/event-streams.js";
import { readRoutes } from "./routes/reads.js";
import { sessionRoutes } from "./routes/sessions.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { buildServer } from "./server.js";

export interface ApiOptions {
  readonly token?: string;
  readonly bodyLimit?: number;
  readonly version: string;
}

/** The whole command API over one host: session commands, reads, webhooks and the event streams. */
export function buildApi(host: ColonyHost, options: ApiOptions): FastifyInstance {
  return buildServer({
    ...options,
    routes: [...sessionRoutes(host), ...readRoutes(host), ...webhookRoutes(host)],
    plugins: [eventStreams(host)],
    streams: eventStreamRoutes,
  });
}
