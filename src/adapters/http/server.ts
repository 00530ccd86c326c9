import { createHash, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import { ApiError, apiErrorOf, invalidRequest } from "./api-error.js";
import { openApiDocument } from "./openapi.js";
import { type AnyRoute, defineRoute, type StreamRoute } from "./route.js";

export interface ServerOptions {
  readonly routes: readonly AnyRoute[];
  /** With a token, every route but the public ones needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Largest request body, in bytes. Default 1 MiB. */
  readonly bodyLimit?: number;
  readonly version: string;
  /** Routes that stream (SSE) register themselves here, behind the same auth and errors. */
  readonly plugins?: readonly ((app: FastifyInstance) => void)[];
  /** How those streaming routes are documented. */
  readonly streams?: readonly StreamRoute[];
}

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: string;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Constant-time, whatever the lengths: both sides are hashed to the same size first. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function parse<S extends z.ZodType>(schema: S | undefined, part: "params" | "query" | "body", value: unknown) {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? (part === "body" ? undefined : {}));
  if (!parsed.success) throw invalidRequest(part, parsed.error);
  return parsed.data;
}

const healthz = defineRoute({
  method: "GET",
  path: "/healthz",
  operationId: "healthz",
  summary: "Whether the server is up",
  tags: ["meta"],
  public: true,
  response: z.strictObject({ status: z.literal("ok") }),
  handler: async () => ({ status: "ok" as const }),
});

/**
 * The command API's HTTP server (DESIGN §8): Fastify, every input validated with its route's zod
 * schemas, one error shape, a bearer token when configured, and the OpenAPI document generated
 * from the same routes. CORS is off: no cross-origin header is ever sent.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  // Ids run to 200 characters (stream ids a little more): Fastify's default of 100 would refuse valid ones.
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    logger: false,
    routerOptions: { maxParamLength: 256 },
  });
  const { token } = options;

  // The body as text is kept: webhook signatures are computed over the bytes that arrived.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new ApiError(400, "invalid_json", `the body is not JSON: ${(error as Error).message}`), undefined);
    }
  });

  app.addHook("onRequest", async (request: FastifyRequest) => {
    if (!token || request.routeOptions.config?.public) return;
    const header = request.headers.authorization ?? "";
    const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    if (!given || !sameSecret(given, token)) {
      throw new ApiError(401, "unauthorized", "this route needs Authorization: Bearer <token>");
    }
  });

  app.setErrorHandler((error, _request, reply) => {
    const fastifyStatus = (error as { statusCode?: number }).statusCode;
    const answer =
      !(error instanceof ApiError) && fastifyStatus !== undefined && fastifyStatus >= 400 && fastifyStatus < 500
        ? new ApiError(
            fastifyStatus,
            String((error as { code?: string }).code ?? "bad_request").toLowerCase(),
            (error as Error).message,
          )
        : apiErrorOf(error);
    if (answer.status >= 500) console.error(error);
    void reply.code(answer.status).send(answer.body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(new ApiError(404, "route_not_found", `no route ${request.method} ${request.url.split("?")[0]}`).body);
  });

  const routes = [healthz, ...options.routes];
  const document = openApiDocument(
    routes,
    { title: "colonylog command API", version: options.version },
    token !== undefined,
    options.streams,
  );
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      config: { public: route.public ?? false },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const result = await route.handler({
          params: parse(route.params, "params", request.params),
          query: parse(route.query, "query", request.query),
          body: parse(route.body, "body", request.body),
          headers: request.headers,
          rawBody: request.rawBody,
        });
        return reply.code(route.status ?? 200).send(route.response.parse(result));
      },
    });
  }
  app.get("/openapi.json", async () => document);
  for (const plugin of options.plugins ?? []) plugin(app);
  return app;
}
