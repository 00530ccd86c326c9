import { describe, expect, it } from "vitest";
import {
  UnknownWebhookRouteError,
  UnsignedWebhookFiringError,
  WebhookRouteTakenError,
  WebhookSecretUnavailableError,
  WebhookSignatureError,
  WebhookSignatureInvalidError,
  WebhookSignatureMissingError,
} from "../../../src/runtime/triggers/errors.js";
import { TriggerService } from "../../../src/runtime/triggers/trigger-service.js";
import { signWebhook, verifyWebhook } from "../../../src/runtime/triggers/webhook-signature.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { ManualTime } from "../../support/manual-time.js";
import { recordingSpawn } from "../../support/recording-spawn.js";
import { COLONY_ID, createColony, eventsOfType, sequentialIds } from "../../support/trigger-colony.js";

const openDatabase = colonyDatabases();
const SECRET = "s3cret";
const body = JSON.stringify({ ref: "refs/heads/main", commits: 3 });

async function setUp() {
  const time = new ManualTime();
  const db = await openDatabase({ clock: time });
  await createColony(db.events);
  const spawn = recordingSpawn(db.events);
  const secrets: Record<string, string> = { GITHUB_SECRET: SECRET };
  const service = new TriggerService({
    store: db.events,
    colonyId: COLONY_ID,
    spawn: spawn.spawn,
    clock: time,
    timers: time,
    ids: sequentialIds(),
    secrets: (ref) => secrets[ref],
  });
  await service.registerTrigger({
    triggerId: "github",
    config: { kind: "webhook", route: "/hooks/github", secretRef: "GITHUB_SECRET" },
    task: "build the pushed commit",
    maxConcurrent: 2,
  });
  return { db, spawn, service, secrets };
}

describe("webhook signatures", () => {
  const verifier = { triggerId: "github", secret: SECRET };

  it("accepts sha256=<hex> and the bare digest, in either case, over strings and bytes alike", () => {
    const header = signWebhook(SECRET, body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(() => verifyWebhook(COLONY_ID, verifier, body, header)).not.toThrow();
    expect(() => verifyWebhook(COLONY_ID, verifier, Buffer.from(body), header)).not.toThrow();
    expect(() => verifyWebhook(COLONY_ID, verifier, body, header.slice("sha256=".length))).not.toThrow();
    expect(() =>
      verifyWebhook(COLONY_ID, verifier, body, ` ${header.toUpperCase().replace("SHA256=", "sha256=")} `),
    ).not.toThrow();
  });

  it("refuses a missing, malformed or mismatching signature with typed errors", () => {
    const refusal = (header: string | undefined, raw = body) => {
      try {
        verifyWebhook(COLONY_ID, verifier, raw, header);
      } catch (error) {
        return error;
      }
      throw new Error("expected a refusal");
    };
    for (const header of [undefined, "", "   "]) {
      const error = refusal(header);
      expect(error).toBeInstanceOf(WebhookSignatureMissingError);
      expect(error).toMatchObject({ code: "webhook_signature_missing", details: { colonyId: COLONY_ID } });
    }
    for (const header of ["sha256=xyz", "sha1=abc", `sha256=${"0".repeat(63)}`, `${signWebhook(SECRET, body)}00`]) {
      expect(refusal(header)).toMatchObject({ code: "webhook_signature_invalid", reason: "malformed" });
    }
    // Right shape, wrong secret; right signature, tampered body.
    expect(refusal(signWebhook("other", body))).toMatchObject({ reason: "mismatch" });
    expect(refusal(signWebhook(SECRET, body), `${body} `)).toMatchObject({ reason: "mismatch" });
    expect(refusal(signWebhook("other", body))).toBeInstanceOf(WebhookSignatureError);
  });
});

describe("webhook triggers", () => {
  it("a signed request fires: TriggerFired with the parsed body, then the worker", async () => {
    const { db, spawn, service } = await setUp();
    const result = await service.fireWebhook({
      route: "/hooks/github",
      rawBody: body,
      signatureHeader: signWebhook(SECRET, body),
    });
    expect(result.outcome).toBe("spawned");
    const inputData = { event: { source: "webhook", route: "/hooks/github", body: JSON.parse(body) } };
    const fired = await eventsOfType(db.events, "TriggerFired");
    expect(fired.map((e) => [e.streamId, e.data])).toEqual([
      [
        `colony-${COLONY_ID}`,
        { triggerId: "github", firingId: result.firingId, workerId: result.workerId, inputData, idempotencyKey: null },
      ],
    ]);
    expect(spawn.calls).toEqual([
      {
        colonyId: COLONY_ID,
        triggerId: "github",
        kind: "webhook",
        firingId: result.firingId,
        workerId: result.workerId,
        task: "build the pushed commit",
        inputData,
        idempotencyKey: null,
        maxConcurrent: 2,
        maxResurrections: 0,
      },
    ]);
  });

  it("a body that is not JSON reaches the worker as text", async () => {
    const { spawn, service } = await setUp();
    const raw = "payload=a%20b";
    await service.fireWebhook({ route: "/hooks/github", rawBody: raw, signatureHeader: signWebhook(SECRET, raw) });
    expect(spawn.calls[0]?.inputData).toEqual({ event: { source: "webhook", route: "/hooks/github", body: raw } });
  });

  it("bad or missing signatures are refused with nothing appended and nothing spawned", async () => {
    const { db, spawn, service } = await setUp();
    const head = await db.events.headPosition();
    const attempts = [
      { header: undefined, error: WebhookSignatureMissingError },
      { header: "", error: WebhookSignatureMissingError },
      { header: "sha256=not-hex", error: WebhookSignatureInvalidError },
      { header: signWebhook("guessed", body), error: WebhookSignatureInvalidError },
    ];
    for (const { header, error } of attempts) {
      await expect(
        service.fireWebhook({ route: "/hooks/github", rawBody: body, signatureHeader: header, idempotencyKey: "d-1" }),
      ).rejects.toBeInstanceOf(error);
    }
    expect(await db.events.headPosition()).toBe(head);
    expect(spawn.calls).toEqual([]);
  });

  it("a forged retry of a recorded key is refused, not answered with the worker id", async () => {
    const { db, service } = await setUp();
    const signed = { route: "/hooks/github", rawBody: body, signatureHeader: signWebhook(SECRET, body) };
    await service.fireWebhook({ ...signed, idempotencyKey: "d-1" });
    const head = await db.events.headPosition();
    await expect(
      service.fireWebhook({ ...signed, signatureHeader: signWebhook("guessed", body), idempotencyKey: "d-1" }),
    ).rejects.toMatchObject({ code: "webhook_signature_invalid" });
    expect(await db.events.headPosition()).toBe(head);
  });

  it("an unknown route, an unset secret and an unsigned fire() are refused", async () => {
    const { db, service, secrets } = await setUp();
    const head = await db.events.headPosition();
    const signed = { rawBody: body, signatureHeader: signWebhook(SECRET, body) };
    await expect(service.fireWebhook({ ...signed, route: "/hooks/gitlab" })).rejects.toBeInstanceOf(
      UnknownWebhookRouteError,
    );
    await expect(service.fire("github", { inputData: {} })).rejects.toBeInstanceOf(UnsignedWebhookFiringError);
    delete secrets.GITHUB_SECRET;
    await expect(service.fireWebhook({ ...signed, route: "/hooks/github" })).rejects.toBeInstanceOf(
      WebhookSecretUnavailableError,
    );
    expect(await db.events.headPosition()).toBe(head);
  });

  it("one route serves one trigger; the log names the secret, never holds it", async () => {
    const { db, service } = await setUp();
    await expect(
      service.registerTrigger({
        triggerId: "github-2",
        config: { kind: "webhook", route: "/hooks/github", secretRef: "OTHER" },
        task: "x",
      }),
    ).rejects.toBeInstanceOf(WebhookRouteTakenError);
    const registered = await eventsOfType(db.events, "TriggerRegistered");
    expect(registered).toHaveLength(1);
    expect(JSON.stringify(registered.map((e) => e.data))).not.toContain(SECRET);
  });
});
