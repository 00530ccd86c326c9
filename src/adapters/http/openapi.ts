import { z } from "zod";
import { ApiErrorBody } from "./api-error.js";
import type { AnyRoute } from "./route.js";

const REASONS: Readonly<Record<number, string>> = {
  400: "bad input: the message names the field",
  401: "missing or wrong bearer token, or a webhook signature that does not match",
  404: "unknown id",
  409: "a conflict: a version, a lock, a full capacity",
  422: "a rule broken, such as an open SOP item",
};

const schemaOf = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;

/** `/a/:b/c` → `/a/{b}/c`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** Path and query parameters, one entry per property of their object schemas. */
function parameters(route: AnyRoute) {
  const of = (where: "path" | "query", schema: z.ZodType | undefined) => {
    if (!schema) return [];
    const json = schemaOf(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      schema: property,
    }));
  };
  return [...of("path", route.params), ...of("query", route.query)];
}

/**
 * The OpenAPI 3.1 document of the routes, generated from their zod schemas (3.1's schemas are
 * JSON Schema 2020-12, which zod writes natively): what /openapi.json serves and what typed
 * clients are generated from.
 */
export function openApiDocument(
  routes: readonly AnyRoute[],
  info: { title: string; version: string },
  secured: boolean,
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const statuses = [400, ...(secured && !route.public ? [401] : []), ...(route.errors ?? [])];
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [...route.tags],
      parameters: parameters(route),
      responses: {
        [String(route.status ?? 200)]: {
          description: "success",
          content: { "application/json": { schema: schemaOf(route.response, "output") } },
        },
        ...Object.fromEntries(
          [...new Set(statuses)].map((status) => [
            String(status),
            {
              description: REASONS[status] ?? "error",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
            },
          ]),
        ),
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(route.body, "input") } },
      };
    }
    if (secured && !route.public) operation.security = [{ bearer: [] }];
    const path = openApiPath(route.path);
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Error: schemaOf(ApiErrorBody, "output") },
      ...(secured ? { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } : {}),
    },
  };
}
