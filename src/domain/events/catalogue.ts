import type { z } from "zod";
import { type EventLocation, InvalidEventError } from "../errors.js";
import type { Category } from "../stream-id.js";
import { colonyEvents } from "./colony.js";
import { conversationEvents } from "./conversation.js";
import { idempotencyEvents } from "./idempotency.js";
import { sessionEvents } from "./session.js";
import { taskEvents } from "./task.js";
import { workerEvents } from "./worker.js";
import { issuesOf } from "./zod-issues.js";

/** Turns data written under schema version `n` into version `n + 1`. */
export type Upcaster = (data: unknown) => unknown;

export interface EventDefinition {
  readonly type: string;
  readonly category: Category;
  readonly schema: z.ZodType;
  /** The version new events are written with. */
  readonly schemaVersion: number;
  /** Keyed by the version they upgrade from; applied in a chain up to `schemaVersion`. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

export interface SchemaEvolution {
  readonly schemaVersion: number;
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

type Groups = Readonly<Record<Category, Readonly<Record<string, z.ZodType>>>>;

export class EventCatalogue {
  private readonly definitions = new Map<string, EventDefinition>();

  constructor(groups: Groups, evolutions: Readonly<Record<string, SchemaEvolution>> = {}) {
    for (const [category, schemas] of Object.entries(groups) as [Category, Record<string, z.ZodType>][]) {
      for (const [type, schema] of Object.entries(schemas)) {
        const evolution = evolutions[type] ?? { schemaVersion: 1, upcasters: {} };
        for (let v = 1; v < evolution.schemaVersion; v++) {
          if (!evolution.upcasters[v]) throw new Error(`${type}: no upcaster from schema version ${v}`);
        }
        this.definitions.set(type, { type, category, schema, ...evolution });
      }
    }
  }

  get types(): string[] {
    return [...this.definitions.keys()];
  }

  get(type: string): EventDefinition | undefined {
    return this.definitions.get(type);
  }

  /**
   * Checks an event about to be written to `category`: a known type of that category whose data
   * passes the schema. Returns the parsed data. `location` places the event in its append for errors.
   */
  validate(
    category: string,
    type: unknown,
    data: unknown,
    location: EventLocation = {},
  ): { data: unknown; schemaVersion: number } {
    if (typeof type !== "string" || type.length === 0) {
      throw new InvalidEventError(String(type), [{ path: "type", message: "expected an event type name" }], location);
    }
    const definition = this.definitions.get(type);
    if (!definition) {
      throw new InvalidEventError(type, [{ path: "type", message: `unknown event type ${type}` }], location);
    }
    if (definition.category !== category) {
      throw new InvalidEventError(
        type,
        [{ path: "streamId", message: `${type} belongs to ${definition.category} streams, not ${category}` }],
        location,
      );
    }
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new InvalidEventError(type, issuesOf(parsed.error, "data"), location);
    return { data: parsed.data, schemaVersion: definition.schemaVersion };
  }

  /**
   * Brings stored data up to the current schema version. Unknown types pass through untouched:
   * readers decide whether to skip them (projections warn and skip).
   */
  upcast(type: string, schemaVersion: number, data: unknown): { data: unknown; schemaVersion: number } {
    const definition = this.definitions.get(type);
    if (!definition || schemaVersion >= definition.schemaVersion) return { data, schemaVersion };
    let upgraded = data;
    for (let v = schemaVersion; v < definition.schemaVersion; v++) {
      const step = definition.upcasters[v];
      if (!step) throw new Error(`${type}: no upcaster from schema version ${v}`);
      upgraded = step(upgraded);
    }
    return { data: upgraded, schemaVersion: definition.schemaVersion };
  }
}

export const eventGroups = {
  colony: colonyEvents,
  session: sessionEvents,
  conversation: conversationEvents,
  worker: workerEvents,
  task: taskEvents,
  idempotency: idempotencyEvents,
} as const;

type AllSchemas = typeof colonyEvents &
  typeof sessionEvents &
  typeof conversationEvents &
  typeof workerEvents &
  typeof taskEvents &
  typeof idempotencyEvents;

export type EventType = keyof AllSchemas;
export type EventData<T extends EventType> = z.output<AllSchemas[T]>;
export type EventInput<T extends EventType> = z.input<AllSchemas[T]>;

/** The catalogue of DESIGN §3, every type at schema version 1. */
export const catalogue = new EventCatalogue(eventGroups);
