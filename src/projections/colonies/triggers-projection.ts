import type { RecordedEvent } from "../../domain/envelope.js";
import { defineProjection } from "../projection.js";
import { statement } from "../statement.js";

export type TriggerKind = "timer" | "webhook" | "api" | "manual";

export interface TriggersTable {
  /** Unique within its colony: the key is (colony_id, id). */
  id: string;
  colony_id: string;
  kind: TriggerKind;
  /** JSON text; a webhook's config names its secret, never holds it. */
  config: string;
  max_concurrent: number;
  max_resurrections: number;
  task: string;
  /** Set by TriggerRemoved; the row stays, with its firing history. */
  removed_at: string | null;
  fire_count: number;
  last_fired_at: string | null;
}

export interface TriggersReadModel {
  triggers: TriggersTable;
}

/** Triggers live in their colony's stream: `colony-{id}`. */
const colonyId = (event: RecordedEvent) => event.streamId.slice("colony-".length);
const at = (event: RecordedEvent) => event.metadata.recordedAt;

/** Registering an id again (after a removal) replaces the definition and keeps the count. */
const register = statement<
  TriggersReadModel,
  Pick<TriggersTable, "id" | "colony_id" | "kind" | "config" | "max_concurrent" | "max_resurrections" | "task">
>((q, p) =>
  q
    .insertInto("triggers")
    .values({
      id: p.id,
      colony_id: p.colony_id,
      kind: p.kind,
      config: p.config,
      max_concurrent: p.max_concurrent,
      max_resurrections: p.max_resurrections,
      task: p.task,
      removed_at: null,
      fire_count: 0,
      last_fired_at: null,
    })
    .onConflict((oc) =>
      oc.columns(["colony_id", "id"]).doUpdateSet((eb) => ({
        kind: eb.ref("excluded.kind"),
        config: eb.ref("excluded.config"),
        max_concurrent: eb.ref("excluded.max_concurrent"),
        max_resurrections: eb.ref("excluded.max_resurrections"),
        task: eb.ref("excluded.task"),
        removed_at: null,
      })),
    ),
);

const remove = statement<TriggersReadModel, { id: string; colony_id: string; at: string }>((q, p) =>
  q.updateTable("triggers").set({ removed_at: p.at }).where("colony_id", "=", p.colony_id).where("id", "=", p.id),
);

const fire = statement<TriggersReadModel, { id: string; colony_id: string; at: string }>((q, p) =>
  q
    .updateTable("triggers")
    .set((eb) => ({ fire_count: eb("fire_count", "+", 1), last_fired_at: p.at }))
    .where("colony_id", "=", p.colony_id)
    .where("id", "=", p.id),
);

/** A colony's timer, webhook, API and manual triggers, and how often each has fired. */
export const triggersProjection = defineProjection<TriggersReadModel>({
  name: "triggers",
  version: 1,
  tables: ["triggers"],
  schema: (q) => [
    q.schema
      .createTable("triggers")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("colony_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("config", "text", (c) => c.notNull())
      .addColumn("max_concurrent", "integer", (c) => c.notNull())
      .addColumn("max_resurrections", "integer", (c) => c.notNull())
      .addColumn("task", "text", (c) => c.notNull())
      .addColumn("removed_at", "text")
      .addColumn("fire_count", "integer", (c) => c.notNull())
      .addColumn("last_fired_at", "text")
      .addPrimaryKeyConstraint("triggers_pk", ["colony_id", "id"]),
  ],
  handlers: {
    TriggerRegistered: (event) => [
      register({
        id: event.data.triggerId,
        colony_id: colonyId(event),
        kind: event.data.kind,
        config: JSON.stringify(event.data.config),
        max_concurrent: event.data.maxConcurrent,
        max_resurrections: event.data.maxResurrections,
        task: event.data.task,
      }),
    ],
    TriggerRemoved: (event) => [remove({ id: event.data.triggerId, colony_id: colonyId(event), at: at(event) })],
    TriggerFired: (event) => [fire({ id: event.data.triggerId, colony_id: colonyId(event), at: at(event) })],
  },
});
