import type { OpenAPI3 } from "openapi-typescript";

export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query";
  readonly required: boolean;
}

/** One operation of the served document, as the document itself describes it. */
export interface Operation {
  readonly method: "GET" | "POST";
  /** The document's form: `/api/colonies/{colony_id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly parameters: readonly Parameter[];
  readonly hasBody: boolean;
  /** Whether the operation lists a security requirement (the bearer token). */
  readonly secured: boolean;
  /** Whether it answers with an event stream, which never ends on its own. */
  readonly streams: boolean;
}

interface RawOperation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

/** Every operation of the document, so tests cover routes as they are added, by whoever adds them. */
export function operationsOf(document: OpenAPI3): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ["get", "post"] as const) {
      const operation = (item as Record<string, RawOperation | undefined>)[method];
      if (!operation) continue;
      operations.push({
        method: method.toUpperCase() as Operation["method"],
        path,
        operationId: operation.operationId,
        parameters: operation.parameters ?? [],
        hasBody: operation.requestBody !== undefined,
        secured: (operation.security ?? []).length > 0,
        streams: Object.values(operation.responses ?? {}).some((r) => "text/event-stream" in (r.content ?? {})),
      });
    }
  }
  return operations;
}

/** The path with each `{name}` replaced by its value, encoded as a client would. */
export function fillPath(path: string, values: Readonly<Record<string, string>>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? "x"));
}
