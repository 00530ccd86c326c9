import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ColonyHostOptions } from "../../../src/adapters/http/colony-host.js";
import { ScriptedProvider } from "../../../src/adapters/llm/scripted-provider.js";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { systemTimers } from "../../../src/adapters/system/system-timers.js";
import { TriggerService } from "../../../src/runtime/triggers/trigger-service.js";
import { signWebhook } from "../../../src/runtime/triggers/webhook-signature.js";
import { apiHosts } from "./api-fixture.js";

const hosts = apiHosts();
const SECRET_REF = "COLONYLOG_HTTP_TEST_WEBHOOK_SECRET";
const SECRET = "the webhook's shared secret";
const TOKEN = "the API token";

beforeAll(() => {
  process.env[SECRET_REF] = SECRET;
});
afterAll(() => {
  delete process.env[SECRET_REF];
});

/** A worker brain's model that reports at once: the firing's worker runs to its end. */
const reporter = () =>
  new ScriptedProvider(() => ({
    toolCalls: [{ name: "report_to_parent", arguments: { status: "success", summary: "looked at the push" } }],
  }));

/** A colony with a webhook trigger `github` and a manual trigger, behind a server with a token. */
async function webhookColony(options: ColonyHostOptions = { model: reporter() }) {
  const { host } = await hosts.empty(options);
  await host.ledger.createColony({ colonyId: "hooks", name: "hooks" }, []);
  const registrar = new TriggerService({
    store: host.db.events,
    colonyId: "hooks",
    spawn: async () => {
      throw new Error("this service only registers");
    },
    clock: systemClock,
    ids: host.ids,
    timers: systemTimers,
  });
  await registrar.registerTrigger({
    triggerId: "github",
    config: { kind: "webhook", route: "/github/push", secretRef: SECRET_REF },
    task: "look at the push",
  });
  await registrar.registerTrigger({ triggerId: "by_hand", config: { kind: "manual" }, task: "by hand" });
  const server = await hosts.listen(host, { token: TOKEN });
  const head = () => host.db.events.headPosition();

  /** A POST as a sender makes it: no bearer token, the body sent exactly as given. */
  const deliver = (
    raw: string,
    headers: Record<string, string> = {},
    path = { colony_id: "hooks", trigger_id: "github" },
  ) =>
    server.anonymous.POST("/webhooks/{colony_id}/{trigger_id}", {
      params: { path },
      body: raw,
      bodySerializer: (body) => body as string,
      headers,
    });
  return { host, server, head, deliver };
}

// Spaced as a sender might write it: the signature covers these bytes, not a re-serialisation.
const PUSH = '{ "ref" : "refs/heads/main",\n  "commits": [ {"id": "c0ffee"} ] }';
const signed = (raw: string, secret = SECRET) => ({ "X-Hub-Signature-256": signWebhook(secret, raw) });
const codeOf = (error: unknown) => (error as { error: { code: string } }).error.code;

describe("webhooks", () => {
  it("refuse a missing, malformed or wrong signature with 401, appending nothing", async () => {
    const { head, deliver } = await webhookColony();
    const before = await head();
    const refusals: [Record<string, string>, string][] = [
      [{}, "webhook_signature_missing"],
      [{ "X-Hub-Signature-256": "" }, "webhook_signature_missing"],
      [{ "X-Hub-Signature-256": "sha256=not-hex" }, "webhook_signature_invalid"],
      [signed(PUSH, "another secret"), "webhook_signature_invalid"],
      [signed(`${PUSH} `), "webhook_signature_invalid"],
      // A valid bearer token is no signature.
      [{ Authorization: `Bearer ${TOKEN}` }, "webhook_signature_missing"],
    ];
    for (const [headers, code] of refusals) {
      const { response, error } = await deliver(PUSH, { ...headers, "Idempotency-Key": "delivery-1" });
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(codeOf(error)).toBe(code);
    }
    expect(await head()).toBe(before);
  });

  it("fire on a good signature without a bearer token: the worker gets the body and runs to its report", async () => {
    const { host, server, deliver } = await webhookColony();
    const { response, data } = await deliver(PUSH, signed(PUSH));
    expect(response.status).toBe(202);
    expect(data).toMatchObject({ outcome: "spawned", worker_id: expect.any(String), firing_id: expect.any(String) });
    const workerId = data?.worker_id ?? "";

    const fired = await server.client.GET("/api/streams/{stream_id}", {
      params: { path: { stream_id: "colony-hooks" } },
    });
    const firing = fired.data?.events.find((e) => e.type === "TriggerFired");
    expect(firing?.data).toMatchObject({
      triggerId: "github",
      workerId,
      firingId: data?.firing_id,
      inputData: { event: { source: "webhook", route: "/github/push", body: JSON.parse(PUSH) } },
    });
    await vi.waitFor(
      async () => {
        const worker = await server.client.GET("/api/workers/{worker_id}", {
          params: { path: { worker_id: workerId } },
        });
        expect(worker.data).toMatchObject({ colony_id: "hooks", status: "reported", report_status: "success" });
      },
      { timeout: 20_000, interval: 25 },
    );
    const worker = await host.db.readModels
      .selectFrom("workers")
      .select("conversation_id")
      .where("id", "=", workerId)
      .executeTakeFirstOrThrow();
    const conversation = await server.client.GET("/api/conversations/{conversation_id}", {
      params: { path: { conversation_id: worker.conversation_id } },
    });
    expect(conversation.data?.parts[0]?.content).toContain("look at the push");
    expect(conversation.data?.parts[0]?.content).toContain("c0ffee");
  });

  it("answer a retry with the same idempotency key with the first firing's worker, firing once", async () => {
    const { host, head, deliver } = await webhookColony();
    for (const keyHeader of ["Idempotency-Key", "X-GitHub-Delivery"]) {
      const headers = { ...signed(PUSH), [keyHeader]: `delivery-of-${keyHeader}` };
      const first = await deliver(PUSH, headers);
      const afterFirst = await head();
      const retry = await deliver(PUSH, headers);
      expect(first.data?.outcome).toBe("spawned");
      expect(retry.response.status).toBe(202);
      expect(retry.data).toMatchObject({ outcome: "replayed", worker_id: first.data?.worker_id });
      // The retry decided nothing: whatever came after the first is its worker's own run.
      const since: string[] = [];
      for await (const event of host.db.events.readAll({ from: afterFirst + 1n })) since.push(event.streamId);
      expect(since.filter((stream) => !stream.startsWith("worker-") && !stream.startsWith("conversation-"))).toEqual(
        [],
      );
    }
    const other = await deliver(PUSH, { ...signed(PUSH), "Idempotency-Key": "another delivery" });
    expect(other.data?.outcome).toBe("spawned");
  });

  it("answer 404 for an unknown colony, trigger or a trigger that is no webhook, 400 for a malformed id", async () => {
    const { head, deliver } = await webhookColony();
    const before = await head();
    const cases: [{ colony_id: string; trigger_id: string }, number, string][] = [
      [{ colony_id: "elsewhere", trigger_id: "github" }, 404, "colony_not_found"],
      [{ colony_id: "hooks", trigger_id: "gitlab" }, 404, "unknown_webhook"],
      [{ colony_id: "hooks", trigger_id: "by_hand" }, 404, "unknown_webhook"],
      [{ colony_id: "hooks", trigger_id: "git hub" }, 400, "invalid_request"],
    ];
    for (const [path, status, code] of cases) {
      const { response, error } = await deliver(PUSH, signed(PUSH), path);
      expect(response.status, JSON.stringify(path)).toBe(status);
      expect(codeOf(error)).toBe(code);
    }
    expect(await head()).toBe(before);
  });

  it("refuse a signed firing when the server has no model or the secret is not set, appending nothing", async () => {
    const { head, deliver } = await webhookColony({});
    const before = await head();
    const noModel = await deliver(PUSH, signed(PUSH));
    expect(noModel.response.status).toBe(409);
    expect(codeOf(noModel.error)).toBe("no_model");
    // The signature still comes first: a forged request learns nothing about the server.
    expect((await deliver(PUSH, signed(PUSH, "forged"))).response.status).toBe(401);

    delete process.env[SECRET_REF];
    // The server logs its 5xx answers; this one is expected.
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const unset = await deliver(PUSH, signed(PUSH));
      expect(unset.response.status).toBe(503);
      expect(codeOf(unset.error)).toBe("webhook_secret_unavailable");
      expect(logged).toHaveBeenCalledOnce();
    } finally {
      logged.mockRestore();
      process.env[SECRET_REF] = SECRET;
    }
    expect(await head()).toBe(before);
  });

  it("refuse a signature sent twice, and an idempotency key too long naming its header", async () => {
    const { head, server } = await webhookColony();
    const before = await head();
    const url = `${server.baseUrl}/webhooks/hooks/github`;
    const twice = new Headers({ "content-type": "application/json", ...signed(PUSH) });
    twice.append("X-Hub-Signature-256", signWebhook(SECRET, PUSH));
    // The two values arrive joined by ", ": no longer one signature, so refused, even though each is right.
    const response = await fetch(url, { method: "POST", headers: twice, body: PUSH });
    expect(response.status).toBe(401);
    const long = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed(PUSH), "Idempotency-Key": "k".repeat(201) },
      body: PUSH,
    });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ error: { details: { issues: [{ path: "headers.idempotency-key" }] } } });
    expect(await head()).toBe(before);
  });
});
