import type { FastifyInstance } from "fastify";
import type { ColonyHost } from "./colony-host.js";
import { eventStreamRoutes, eventStreams } from "./routes/event-streams.js";
import { readRoutes } from "./routes/reads.js";
import { sessionRoutes } from "./routes/sessions.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { buildServer } from "./server.js";
import { webUiRoutes } from "./web-ui/web-ui-routes.js";

export interface ApiOptions {
  readonly token?: string;
  readonly bodyLimit?: number;
  readonly version: string;
  /** The built web UI's folder (default: dist/web-ui, where `npm run build` writes it). */
  readonly webUiDir?: string;
}

/** The whole command API over one host: session commands, reads, webhooks, the event streams and the web UI. */
export function buildApi(host: ColonyHost, options: ApiOptions): FastifyInstance {
  const { webUiDir, ...server } = options;
  return buildServer({
    ...server,
    routes: [...sessionRoutes(host), ...readRoutes(host), ...webhookRoutes(host)],
    plugins: [eventStreams(host), webUiRoutes(webUiDir)],
    streams: eventStreamRoutes,
  });
}
