import fc from "fast-check";
import type { OpenAPI3 } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { systemTimers } from "../../../src/adapters/system/system-timers.js";
import { TriggerService } from "../../../src/runtime/triggers/trigger-service.js";
import { apiHosts } from "./api-fixture.js";
import { fillPath, type Operation, operationsOf } from "./openapi-operations.js";

const hosts = apiHosts();
const SECRET_REF = "COLONYLOG_HTTP_PROPERTY_WEBHOOK_SECRET";
/** Requests in all, spread over the document's operations. */
const BUDGET = 320;

beforeAll(() => {
  process.env[SECRET_REF] = "a secret no generated request knows";
});
afterAll(() => {
  delete process.env[SECRET_REF];
});

const idLike = fc.stringMatching(/^[A-Za-z0-9_.:~@+=-]{1,40}$/);
const nasty = fc.constantFrom("", "..", "../../etc/passwd", "a/b", "%00", "x y", "é", "'; drop table events; --", "-1");
const anyText = fc.oneof(fc.string(), fc.string({ unit: "grapheme", maxLength: 30 }), nasty);
const queryValue = fc.oneof(anyText, fc.integer().map(String), fc.double().map(String), fc.constantFrom("true", "1e3"));

/** Not JSON at all, or cut short. */
const notJson = fc.oneof(
  fc.string(),
  fc.jsonValue().map((value) => JSON.stringify(value).slice(0, -1)),
  fc.constantFrom("{", '{"a":', "[1,", "nul", "{'a': 1}"),
);

/**
 * Whether no route could take the text for a command: the server reads an empty body and `null`
 * as no body at all, which a route whose body is optional accepts.
 */
function refusedByEveryObjectSchema(text: string): boolean {
  if (text.trim() === "") return false;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && (typeof value !== "object" || Array.isArray(value));
  } catch {
    return true;
  }
}

/** A JSON text that is no object, or no JSON: refused by any body schema of an object. */
const malformed = fc
  .oneof(fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.boolean(), fc.array(fc.jsonValue()))
  .map((value) => JSON.stringify(value))
  .chain((json) => fc.oneof(fc.constant(json), notJson))
  .filter(refusedByEveryObjectSchema);
const anyJson = fc.jsonValue().map((value) => JSON.stringify(value));
const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", undefined);

interface Sent {
  readonly path: Record<string, string>;
  readonly query: [string, string][];
  readonly body: string | undefined;
  readonly contentType: string | undefined;
}

/**
 * Random and malformed requests for one operation. Real ids go only where nothing can be
 * decided with them (reads, and webhooks, whose signature no generated request has); a command
 * route gets made-up ids, and one without ids gets only bodies no object schema accepts, so no
 * generated request is a valid command and none may append.
 */
function requests(operation: Operation, realIds: Readonly<Record<string, readonly string[]>>): fc.Arbitrary<Sent> {
  const pathNames = operation.parameters.filter((p) => p.in === "path").map((p) => p.name);
  const queryNames = operation.parameters.filter((p) => p.in === "query").map((p) => p.name);
  const harmless = operation.method === "GET" || operation.path.startsWith("/webhooks/");
  const id = (name: string) => {
    const real = realIds[name] ?? [];
    return harmless && real.length > 0
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, idLike, anyText)
      : fc.oneof(idLike, anyText);
  };
  const body =
    pathNames.length > 0
      ? fc.option(fc.oneof(anyJson, notJson), { nil: undefined })
      : (malformed as fc.Arbitrary<string | undefined>);
  return fc.record({
    path: fc.record(Object.fromEntries(pathNames.map((name) => [name, id(name)]))) as fc.Arbitrary<
      Record<string, string>
    >,
    query: fc.array(
      fc.tuple(queryNames.length > 0 ? fc.oneof(fc.constantFrom(...queryNames), fc.string()) : fc.string(), queryValue),
      { maxLength: 3 },
    ),
    body: operation.hasBody ? body : fc.constant(undefined),
    contentType: operation.hasBody ? contentType : fc.constant(undefined),
  });
}

describe("every operation of the document", () => {
  it("answers random and malformed input with a 4xx in the one error shape, or a success, never a 5xx, and appends nothing", async () => {
    const { host, run } = await hosts.demo();
    // A webhook for real ids to reach, whose signature check then refuses every generated request.
    await new TriggerService({
      store: host.db.events,
      colonyId: run.colonyId,
      spawn: async () => {
        throw new Error("this service only registers");
      },
      clock: systemClock,
      ids: host.ids,
      timers: systemTimers,
    }).registerTrigger({
      triggerId: "hook",
      config: { kind: "webhook", route: "/hook", secretRef: SECRET_REF },
      task: "never fired",
    });
    const { baseUrl } = await hosts.listen(host);
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenAPI3;
    const operations = operationsOf(document).filter((o) => !o.streams);
    const realIds = {
      colony_id: [run.colonyId],
      session_id: [run.sessionId, run.colonySessionId],
      conversation_id: [run.queenConversationId, run.checkpoint.conversationId],
      worker_id: [run.checkpoint.workerId],
      trigger_id: ["hook"],
      stream_id: [`worker-${run.checkpoint.workerId}`, `colony-${run.colonyId}`],
    };
    const head = await host.db.events.headPosition();
    const runsEach = Math.max(8, Math.floor(BUDGET / operations.length));
    const statuses = new Map<number, number>();

    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requests(operation, realIds), async (sent) => {
          const query = new URLSearchParams(sent.query).toString();
          const url = `${baseUrl}${fillPath(operation.path, sent.path)}${query ? `?${query}` : ""}`;
          const response = await fetch(url, {
            method: operation.method,
            headers: sent.contentType ? { "content-type": sent.contentType } : {},
            ...(sent.body !== undefined ? { body: sent.body } : {}),
          });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, `${operation.method} ${url}: ${text}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(JSON.parse(text)).toMatchObject({
              error: { code: expect.any(String), message: expect.any(String) },
            });
          }
          expect(await host.db.events.headPosition()).toBe(head);
        }),
        { numRuns: runsEach },
      );
    }
    // The generators reach past validation: successes, unknown ids and refused signatures among the answers.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404]));
  });
});
