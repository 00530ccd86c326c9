import type { z } from "zod";

export type HttpMethod = "GET" | "POST";

/** What a handler is given: its inputs as their schemas parsed them, and the raw request's facts. */
export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body exactly as it arrived (webhook signatures are computed over it). */
  readonly rawBody: string | undefined;
}

/**
 * One route, declared once: its path, its inputs and its answer as zod schemas, and its handler.
 * The server validates every input with these schemas before the handler runs, and the OpenAPI
 * document is generated from the same declarations, so the two cannot drift apart.
 */
export interface Route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** Fastify's form: `/api/sessions/:session_id/chat`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response: R;
  /** The success status. Default 200. */
  readonly status?: number;
  /** The error statuses this route may answer, documented beside 400 (and 401 with a token). */
  readonly errors?: readonly number[];
  /** Whether the route answers without the bearer token (healthz, signed webhooks). */
  readonly public?: boolean;
  readonly handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R>>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of routes of any schemas; each was checked where defined.
export type AnyRoute = Route<any, any, any, any>;

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  route: Route<P, Q, B, R>,
): AnyRoute {
  return route as AnyRoute;
}

/**
 * A route that streams server-sent events: served by its own plugin (it owns its response), but
 * documented beside the others from its zod schemas.
 */
export interface StreamRoute {
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  /** Error statuses answered before the stream starts, beside 400 (and 401 with a token). */
  readonly errors?: readonly number[];
}
