import { z } from "zod";
import { ApiErrorBody } from "./api-error.js";
import type { AnyRoute, StreamRoute } from "./route.js";

const REASONS: Readonly<Record<number, string>> = {
  400: "bad input: the message names the field",
  401: "missing or wrong bearer token, or a webhook signature that does not match",
  404: "unknown id",
  409: "a conflict: a version, a lock, a full capacity",
  422: "a rule broken, such as an open SOP item",
};

type Json = Record<string, unknown>;

const jsonSchemaOf = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;

/**
 * A schema as the document holds it: zod puts the definitions a schema refers to (a recursive
 * JSON value, say) in its own `$defs`, which a reference inside an OpenAPI document would look
 * for at the document's root; they move to `components.schemas`, named after where they came
 * from, and the references follow.
 */
function hoisted(schema: Json, prefix: string, components: Record<string, Json>): Json {
  const { $defs, $schema: _dialect, ...rest } = schema as Json & { $defs?: Record<string, Json> };
  const names = new Map(Object.keys($defs ?? {}).map((name) => [name, `${prefix}_${name.replace(/^_+/, "")}`]));
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (key === "$ref" && typeof inner === "string" && inner.startsWith("#/$defs/")) {
          const name = names.get(inner.slice("#/$defs/".length));
          return [key, name ? `#/components/schemas/${name}` : inner];
        }
        return [key, rewrite(inner)];
      }),
    );
  };
  for (const [name, definition] of Object.entries($defs ?? {})) {
    components[names.get(name) as string] = rewrite(definition) as Json;
  }
  return rewrite(rest) as Json;
}

type SchemaOf = (schema: z.ZodType, io: "input" | "output", name: string) => Json;

/** `/a/:b/c` → `/a/{b}/c`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** Path and query parameters, one entry per property of their object schemas. */
function parameters(route: AnyRoute | StreamRoute, schemaOf: SchemaOf) {
  const of = (where: "path" | "query", schema: z.ZodType | undefined) => {
    if (!schema) return [];
    const json = schemaOf(schema, "input", `${route.operationId}_${where}`) as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
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
  streams: readonly StreamRoute[] = [],
) {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, Json> = {};
  const schemaOf: SchemaOf = (schema, io, name) => hoisted(jsonSchemaOf(schema, io), name, components);
  const error = schemaOf(ApiErrorBody, "output", "Error");
  const errorResponses = (statuses: readonly number[]) =>
    Object.fromEntries(
      [...new Set(statuses)].map((status) => [
        String(status),
        {
          description: REASONS[status] ?? "error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      ]),
    );
  for (const route of routes) {
    const statuses = [400, ...(secured && !route.public ? [401] : []), ...(route.errors ?? [])];
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [...route.tags],
      parameters: parameters(route, schemaOf),
      responses: {
        [String(route.status ?? 200)]: {
          description: "success",
          content: {
            "application/json": { schema: schemaOf(route.response, "output", `${route.operationId}_response`) },
          },
        },
        ...errorResponses(statuses),
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(route.body, "input", `${route.operationId}_body`) } },
      };
    }
    if (secured && !route.public) operation.security = [{ bearer: [] }];
    const path = openApiPath(route.path);
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  for (const stream of streams) {
    paths[openApiPath(stream.path)] = {
      get: {
        operationId: stream.operationId,
        summary: stream.summary,
        tags: [...stream.tags],
        parameters: [
          ...parameters(stream, schemaOf),
          {
            name: "Last-Event-ID",
            in: "header",
            required: false,
            description: "the id (a global position) of the last event received: the stream resumes after it",
            schema: { type: "string", pattern: "^[0-9]+$" },
          },
        ],
        responses: {
          "200": {
            description: "server-sent events: `id:` the global position, `event:` the type, `data:` the event as JSON",
            content: { "text/event-stream": { schema: { type: "string" } } },
          },
          ...errorResponses([400, ...(secured ? [401] : []), ...(stream.errors ?? [])]),
        },
        ...(secured ? { security: [{ bearer: [] }] } : {}),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Error: error, ...components },
      ...(secured ? { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } : {}),
    },
  };
}
