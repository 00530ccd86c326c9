import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { statement } from "../statement.js";

export type IdempotencyResultKind = "worker" | "firing" | "task" | "session";

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  /** What the first request produced, so a retry answers with it. */
  result_kind: IdempotencyResultKind;
  result_id: string;
  expires_at: string;
  recorded_at: string;
}

export interface IdempotencyKeysReadModel {
  idempotency_keys: IdempotencyKeysTable;
}

const at = (event: RecordedEvent) => event.metadata.recordedAt;

/** A key recorded again (after it expired) now answers with the newer result. */
const recordKey = statement<IdempotencyKeysReadModel, IdempotencyKeysTable>((q, p) =>
  q
    .insertInto("idempotency_keys")
    .values({
      scope: p.scope,
      key: p.key,
      result_kind: p.result_kind,
      result_id: p.result_id,
      expires_at: p.expires_at,
      recorded_at: p.recorded_at,
    })
    .onConflict((oc) =>
      oc.columns(["scope", "key"]).doUpdateSet((eb) => ({
        result_kind: eb.ref("excluded.result_kind"),
        result_id: eb.ref("excluded.result_id"),
        expires_at: eb.ref("excluded.expires_at"),
        recorded_at: eb.ref("excluded.recorded_at"),
      })),
    ),
);

/**
 * Idempotency keys (streams `idempotency-{scope}-{key}`). The log de-duplicates by itself (the
 * first record appends with `no_stream`); this table answers "what did that key produce" and
 * lists expired keys. Scope and key come from the event's data, not from the stream name,
 * which cannot be split back when the scope holds a `-`.
 */
export const idempotencyKeysProjection = defineProjection<IdempotencyKeysReadModel>({
  name: "idempotency_keys",
  version: 1,
  tables: ["idempotency_keys"],
  schema: (q) => [
    q.schema
      .createTable("idempotency_keys")
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("result_kind", "text", (c) => c.notNull())
      .addColumn("result_id", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("idempotency_keys_pk", ["scope", "key"]),
    q.schema.createIndex("idempotency_keys_expires").on("idempotency_keys").column("expires_at"),
  ],
  handlers: {
    IdempotencyKeyRecorded: (event) => [
      recordKey({
        scope: event.data.scope,
        key: event.data.key,
        result_kind: event.data.result.kind,
        result_id: event.data.result.id,
        expires_at: event.data.expiresAt,
        recorded_at: at(event),
      }),
    ],
  },
});
