import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import {
  type IdempotencyKeysReadModel,
  idempotencyKeysProjection,
} from "../../../src/projections/colonies/idempotency-keys-projection.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { at, time } from "./colony-events.js";

const open = colonyDatabases();

describe("idempotency keys projection", () => {
  it("given recorded keys, then each (scope, key) answers with its result and expiry", async () => {
    const db = await open({ projections: [idempotencyKeysProjection] });
    const rm = db.readModels as unknown as Kysely<IdempotencyKeysReadModel>;
    await db.events.append(
      "idempotency-webhook-delivery-42",
      [at(1, "IdempotencyKeyRecorded", { scope: "webhook", key: "delivery-42" })],
      { expectedVersion: "no_stream" },
    );
    // A scope holding a dash: the stream name alone could not be split back.
    await db.events.append(
      "idempotency-api-v2-req-1",
      [
        at(2, "IdempotencyKeyRecorded", {
          scope: "api-v2",
          key: "req-1",
          result: { kind: "session", id: "s9" },
          expiresAt: "2026-04-02T12:00:00.000Z",
        }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    expect(await rm.selectFrom("idempotency_keys").selectAll().orderBy("scope").execute()).toEqual([
      {
        scope: "api-v2",
        key: "req-1",
        result_kind: "session",
        result_id: "s9",
        expires_at: "2026-04-02T12:00:00.000Z",
        recorded_at: time(2),
      },
      {
        scope: "webhook",
        key: "delivery-42",
        result_kind: "worker",
        result_id: "w1",
        expires_at: "2026-11-23T00:00:00.000Z",
        recorded_at: time(1),
      },
    ]);
  });

  it("given a key recorded again after it expired, then the newer result answers", async () => {
    const db = await open({ projections: [idempotencyKeysProjection] });
    const rm = db.readModels as unknown as Kysely<IdempotencyKeysReadModel>;
    await db.events.append(
      "idempotency-webhook-d1",
      [
        at(1, "IdempotencyKeyRecorded", { key: "d1", expiresAt: "2026-04-01T12:00:30.000Z" }),
        at(40, "IdempotencyKeyRecorded", {
          key: "d1",
          result: { kind: "firing", id: "f2" },
          expiresAt: "2026-04-02T00:00:00.000Z",
        }),
      ],
      { expectedVersion: "no_stream" },
    );
    await db.runner.catchUp();
    expect(await rm.selectFrom("idempotency_keys").selectAll().execute()).toEqual([
      {
        scope: "webhook",
        key: "d1",
        result_kind: "firing",
        result_id: "f2",
        expires_at: "2026-04-02T00:00:00.000Z",
        recorded_at: time(40),
      },
    ]);
  });
});
