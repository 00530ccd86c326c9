import { join } from "node:path";
import autocannon from "autocannon";
import type { FastifyInstance } from "fastify";
import { buildApi } from "../src/adapters/http/api.js";
import { ColonyHost } from "../src/adapters/http/colony-host.js";
import { sessionApiOf } from "../src/adapters/http/sessions/session-api.js";
import { ScriptedProvider } from "../src/adapters/llm/scripted-provider.js";
import { streamId } from "../src/domain/stream-id.js";
import { notice } from "./notice.js";
import { type BenchRow, benchRow } from "./row.js";
import { withScratchDir } from "./scratch-dir.js";

/**
 * The API suite (issue 6): sustained load with autocannon on loopback against the `inject` and
 * `trigger` routes, beside a bare route on the same server that appends the same event directly
 * (no validation, no lookups, no runtime): what the API layer costs, as a ratio of throughput.
 *
 * - trigger: each request fires the colony's api trigger, which appends TriggerFired and spawns
 *   a worker (whose scripted brain reports at once); the bare route appends TriggerFired alone.
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
    app.post("/bench/direct/trigger", async () => {
      const service = await sessionApiOf(host).work.triggers(colonyId);
      await service.fire("bench", { inputData: { n: 1 }, idempotencyKey: null });
      return { ok: true };
    });
    app.post("/bench/bare/trigger", async () => {
      await host.db.events.append(
        streamId("colony", colonyId),
        [
          {
            type: "TriggerFired",
            data: {
              triggerId: "bench",
              firingId: host.ids.uuid(),
              workerId: host.ids.uuid(),
              inputData: {},
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
      const measure = async (name: string, path: string, barePath: string, body: unknown) => {
        const ours = await load(`${url}${path}`, body);
        const bare = await load(`${url}${barePath}`, body);
        notice(
          `api ${name}: ${Math.round(ours.rps)} req/s (${ours.non2xx} non-2xx), bare ${Math.round(bare.rps)} req/s (${bare.non2xx} non-2xx)`,
        );
        if (ours.non2xx > 0 || bare.non2xx > 0) throw new Error(`api ${name}: requests failed under load`);
        rows.push(
          benchRow(
            `${name}: requests/s, ${CONNECTIONS} connections for ${DURATION_S} s (vs a bare route appending the same event; target >= 0.7)`,
            ours.rps,
            "req/s",
            bare.rps,
          ),
          benchRow(`${name}: p50 latency (vs the bare route)`, ours.p50, "ms (lower is better)", bare.p50),
          benchRow(`${name}: p99 latency (vs the bare route)`, ours.p99, "ms (lower is better)", bare.p99),
        );
      };
      await measure("inject", `/api/sessions/${queenSession}/inject`, "/bench/bare/inject", {
        worker_id: listener,
        content: "also count the commas",
      });
      const direct = await load(`${url}/bench/direct/trigger`, {});
      notice(`api trigger, the runtime's fire() behind a bare route: ${Math.round(direct.rps)} req/s`);
      rows.push(
        benchRow(
          "trigger: the runtime's fire() behind a bare route (the same work without the API layer), requests/s",
          direct.rps,
          "req/s",
          null,
        ),
      );
      await measure("trigger", `/api/sessions/${queenSession}/trigger`, "/bench/bare/trigger", {
        trigger_id: "bench",
        input_data: { n: 1 },
      });
      return rows;
    } finally {
      await app?.close();
      await host.close();
    }
  });
}
