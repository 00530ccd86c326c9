import { z } from "zod";
import { catalogue } from "../../../domain/events/catalogue.js";
import { Id } from "../../../domain/events/fields.js";
import { categories, parseStreamId } from "../../../domain/stream-id.js";
import type { LiveSignal } from "../../../runtime/live-bus.js";
import { ApiError, invalidRequest } from "../api-error.js";

/** The signal kinds of the live bus: names a `types` filter may list beside event types. */
export const signalKinds: readonly LiveSignal["kind"][] = ["text_delta", "tool_call_started"];

const knownTypes = new Set<string>([...catalogue.types, ...signalKinds]);
const knownCategories = new Set<string>(categories);
const MAX_POSITION = 2n ** 63n - 1n;

function streamIdProblem(name: string): string | undefined {
  try {
    parseStreamId(name);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `a,b,c`, each name checked; the message names the name at fault. */
function nameList(check: (name: string) => string | undefined) {
  return z.string().transform((text, context) => {
    const names = text.split(",").map((name) => name.trim());
    for (const name of names) {
      const problem = name === "" ? "expected comma-separated names, found an empty one" : check(name);
      if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
    }
    return names;
  });
}

const Position = z
  .string()
  .regex(/^\d{1,19}$/, "expected a global position (a non-negative integer)")
  .transform((text) => BigInt(text))
  .refine((position) => position <= MAX_POSITION, "expected a global position (a non-negative integer)");

export const StreamQuery = z.strictObject({
  /** Event types and signal kinds to send; all when absent. */
  types: nameList((type) =>
    knownTypes.has(type) ? undefined : `unknown event type or signal kind ${type}`,
  ).optional(),
  /** Stream ids to send; all when absent. */
  streams: nameList(streamIdProblem).optional(),
  /** Stream categories to send; all when absent. */
  categories: nameList((category) =>
    knownCategories.has(category)
      ? undefined
      : `unknown category ${category} (known: ${[...knownCategories].join(", ")})`,
  ).optional(),
  /** First global position to send, inclusive. Default: the start of the log. */
  from: Position.optional(),
});
export type StreamQuery = z.output<typeof StreamQuery>;

export const SessionParams = z.strictObject({ session_id: Id });

export function parseQuery(query: unknown): StreamQuery {
  const parsed = StreamQuery.safeParse(query ?? {});
  if (!parsed.success) throw invalidRequest("query", parsed.error);
  return parsed.data;
}

export function parseSessionParams(params: unknown): z.output<typeof SessionParams> {
  const parsed = SessionParams.safeParse(params ?? {});
  if (!parsed.success) throw invalidRequest("params", parsed.error);
  return parsed.data;
}

function badHeader(message: string): ApiError {
  const path = "headers.last-event-id";
  return new ApiError(400, "invalid_request", `${path}: ${message}`, { issues: [{ path, message }] });
}

/**
 * The first position to send. `Last-Event-ID` (what an EventSource sends on reconnecting: the id
 * of the last event it received) wins over `?from=`, and resumes just after it. It must be a
 * position of this log: one past its head names events the client cannot have seen, most likely
 * those of another log, and resuming there would skip, silently, all that this one will append.
 */
export function startPosition(lastEventId: string | string[] | undefined, query: StreamQuery, head: bigint): bigint {
  if (lastEventId === undefined) return query.from ?? 1n;
  if (Array.isArray(lastEventId)) throw badHeader("expected one header, found several");
  const parsed = Position.safeParse(lastEventId.trim());
  if (!parsed.success) throw badHeader(`expected a global position (a non-negative integer), found "${lastEventId}"`);
  if (parsed.data > head) throw badHeader(`${parsed.data} is past the end of this log (its last position is ${head})`);
  return parsed.data + 1n;
}
