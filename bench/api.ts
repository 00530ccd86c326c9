import { join } from "node:path";
import autocannon from "autocannon";
import type { FastifyInstance } from "fastify";
import { buildApi } from "../src/adapters/http/api.js";
import { ColonyHost } from "../src/adapters/http/colony-host.js";
import { sessionApiOf } from "../src/adapters/http/sessions/session-api.js";
import { ScriptedProvider } from "../src/adapters/llm/scripted-provider.js";
import { streamId } from "../src/domain/stream-id.js";
import type { InputData } from "../src/runtime/triggers/firing.js";
import { notice } from "./notice.js";
import { type BenchRow, benchRow } from "./row.js";
import { withScratchDir } from "./scratch-dir.js";

/**
 * The API suite (issue 6): sustained load with autocannon on loopback against the `inject` and
 * `trigger` routes, each beside a bare route on the same server doing the same work without the
 * API layer (no validation, no lookups, no error mapping): what the API layer costs, as a ratio
 * of throughput.
 *
 * - trigger: each request fires the colony's api trigger, which appends TriggerFired and spawns
 *   a worker (whose scripted brain reports at once). Its baseline is the same firing through the
 *   runtime behind a bare route (no validation, session lookup or error mapping); a second row
 *   sets it beside a bare route that appends TriggerFired alone, the firing's own cost.
 * - inject: each request leaves a message in a running worker's mailbox (memory: the message is
 *   appended when the worker reaches its next turn); the bare route appends the part the message
 *   eventually becomes to the worker's conversation.
 */

const DURATION_S = Number(process.env.BENCH_API_SECONDS ?? 5);
const CONNECTIONS = 10;

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
}

async function load(url: string, body: unknown): Promise<Load> {
  const result = await autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

interface Baseline {
  readonly label: string;
  readonly path: string;
}

async function post(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * The bare routes: the same events, appended straight to the store; and, for trigger, the same
 * firing through the runtime without the API layer (no validation, session lookup or phase).
 */
function bareRoutes(host: ColonyHost, colonyId: string, conversationId: string) {
  return (app: FastifyInstance) => {
    app.post("/bench/direct/trigger", async (request) => {
      const { input_data } = request.body as { input_data: InputData };
      const service = await sessionApiOf(host).work.triggers(colonyId);
      await service.fire("bench", { inputData: input_data, idempotencyKey: null });
      return { ok: true };
    });
    app.post("/bench/bare/trigger", async (request) => {
      const { input_data } = request.body as { input_data: InputData };
      await host.db.events.append(
        streamId("colony", colonyId),
        [
          {
            type: "TriggerFired",
            data: {
              triggerId: "bench",
              firingId: host.ids.uuid(),
              workerId: host.ids.uuid(),
              inputData: input_data,
              idempotencyKey: null,
            },
          },
        ],
        { expectedVersion: "any" },
      );
      return { ok: true };
    });
    app.post("/bench/bare/inject", async (request) => {
      const { content } = request.body as { content: string };
      await host.conversations.append(conversationId, { role: "user", content, flags: { clientInput: true } });
      return { ok: true };
    });
  };
}

export async function run(): Promise<BenchRow[]> {
  return withScratchDir("colonylog-bench-api-", async (dir) => {
    const model = new ScriptedProvider(() => ({
      toolCalls: [{ name: "report_to_parent", arguments: { status: "success", summary: "done" } }],
    }));
    const host = await ColonyHost.open(join(dir, "api.db"), { model, filesRoot: dir });
    let app: FastifyInstance | undefined;
    try {
      // Set-up through the API itself: a session, a colony with an api trigger, one long-running worker.
      const setup = buildApi(host, { version: "bench" });
      const base = await setup.listen({ host: "127.0.0.1", port: 0 });
      const session = await post(base, "/api/sessions", { queen_id: "bench_queen" });
      await post(base, `/api/sessions/${session.session_id}/queen-context`, { message: "Work the queue." });
      const colony = await post(base, `/api/sessions/${session.session_id}/colony-spawn`, {
        colony_name: "bench",
        task: "report at once",
        triggers: [{ trigger_id: "bench", trigger_type: "api", max_concurrent: 1000 }],
      });
      await setup.close();
      const colonyId = String(colony.colony_id);
      const queenSession = String(colony.queen_session_id);
      const runtime = await host.runtime(colonyId);
      const conversationId = host.ids.uuid();
      await host.conversations.start(conversationId, { kind: "worker", id: "listener" }, "", {
        maxContextTokens: 100_000,
        compactionBufferTokens: 0,
        compactionRatio: 0,
      });
      const listener = await runtime.spawn({
        task: "listen",
        conversationId,
        brain: async (worker) => {
          while (!worker.signal.aborted) await worker.waitForInput();
          return { status: "success", summary: "stopped listening" };
        },
      });

      app = buildApi(host, { version: "bench" });
      bareRoutes(host, colonyId, conversationId)(app);
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      const rows: BenchRow[] = [];
      /** Our route against a baseline route under the same load; the first row carries the target. */
      const measure = async (name: string, path: string, body: unknown, baselines: readonly Baseline[]) => {
        const ours = await load(`${url}${path}`, body);
        if (ours.non2xx > 0) throw new Error(`api ${name}: requests failed under load`);
        for (const [index, baseline] of baselines.entries()) {
          const base = await load(`${url}${baseline.path}`, body);
          notice(`api ${name}: ${Math.round(ours.rps)} req/s, ${baseline.label}: ${Math.round(base.rps)} req/s`);
          if (base.non2xx > 0) throw new Error(`api ${name}: the baseline's requests failed under load`);
          const target = index === 0 ? "; target >= 0.7" : "";
          rows.push(
            benchRow(
              `${name}: requests/s, ${CONNECTIONS} connections for ${DURATION_S} s (vs ${baseline.label}${target})`,
              ours.rps,
              "req/s",
              base.rps,
            ),
            benchRow(`${name}: p50 latency (vs ${baseline.label})`, ours.p50, "ms (lower is better)", base.p50),
            benchRow(`${name}: p99 latency (vs ${baseline.label})`, ours.p99, "ms (lower is better)", base.p99),
          );
        }
      };
      await measure(
        "inject",
        `/api/sessions/${queenSession}/inject`,
        { worker_id: listener, content: "also count the commas" },
        [{ label: "a bare route appending the same part", path: "/bench/bare/inject" }],
      );
      // A firing is not one event: it records TriggerFired with its key, forks the trigger's
      // conversation, starts a worker and runs it. The route's own cost is measured against the
      // same firing behind a bare route; the bare TriggerFired append shows what the firing costs.
      await measure("trigger", `/api/sessions/${queenSession}/trigger`, { trigger_id: "bench", input_data: { n: 1 } }, [
        { label: "the runtime's fire() behind a bare route", path: "/bench/direct/trigger" },
        { label: "a bare route appending TriggerFired alone", path: "/bench/bare/trigger" },
      ]);
      return rows;
    } finally {
      await app?.close();
      await host.close();
    }
  });
}
