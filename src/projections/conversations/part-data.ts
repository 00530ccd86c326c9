import { type Kysely, sql } from "kysely";
import { catalogue, type EventData } from "../../domain/events/catalogue.js";
import type { LogEvents } from "../log-events-table.js";

/** A MessagePartAppended payload, as the current schema has it. */
export type PartData = EventData<"MessagePartAppended">;

const PART_SCHEMA_VERSION = catalogue.get("MessagePartAppended")?.schemaVersion ?? 1;
/**
 * Positions per read of the log: one bound parameter each, well under what either engine takes
 * in one statement (SQLite 32,766, PostgreSQL 65,535).
 */
const POSITIONS_PER_READ = 20_000;
/** Rough bytes a cached part holds besides its text: the object, its fields, the map entry. */
const ENTRY_OVERHEAD = 160;

/**
 * Decoded parts by log position, least recently read evicted first. A logged event never
 * changes, so an entry is never stale: an agent re-reading its live context every turn parses
 * only the parts added since, instead of every part again (parsing is most of a cold read).
 */
export class PartDataCache {
  private readonly entries = new Map<number, PartData>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(position: number): PartData | undefined {
    const data = this.entries.get(position);
    if (data !== undefined) {
      this.entries.delete(position);
      this.entries.set(position, data);
    }
    return data;
  }

  set(position: number, data: PartData): void {
    if (this.entries.has(position)) return;
    this.entries.set(position, data);
    this.bytes += sizeOf(data);
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= sizeOf(old);
    }
  }
}

const sizeOf = (data: PartData) => data.content.length + ENTRY_OVERHEAD;

/** One cache per read-model connection: positions are only comparable within one log. */
const caches = new WeakMap<object, PartDataCache>();

export function partCacheOf(db: object): PartDataCache {
  const cache = caches.get(db) ?? new PartDataCache();
  caches.set(db, cache);
  return cache;
}

/**
 * The data of the parts at `positions`, from the cache or else from the log, one read per
 * `perRead` positions: the data texts joined into one string for one JSON.parse (a row
 * per part means 10,000 row objects and strings for the garbage collector), their positions and
 * schema versions beside them, in the same order since both aggregates consume the same rows.
 * Parts written under an older schema are upcast, as every reader of the log gets them.
 */
export async function partData<DB>(
  readModels: Kysely<DB>,
  cache: PartDataCache,
  positions: readonly number[],
  perRead = POSITIONS_PER_READ,
): Promise<PartData[]> {
  // Any database of a colony: only the log's `events` table is read (Kysely is invariant in its table map).
  const db = readModels as unknown as Kysely<LogEvents>;
  const found = positions.map((position) => cache.get(position));
  const missing = positions.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) {
    const fetched = new Map<number, PartData>();
    for (let start = 0; start < missing.length; start += perRead) {
      const row = await db
        .selectFrom("events")
        .select([
          // cast: the log may keep its data as JSON text (SQLite) or as json/jsonb (PostgreSQL).
          sql<string | null>`string_agg(cast(data as text), ',')`.as("data"),
          sql<string | null>`string_agg('[' || position || ',' || schema_version || ']', ',')`.as("keys"),
        ])
        .where("position", "in", missing.slice(start, start + perRead))
        .where("type", "=", "MessagePartAppended")
        .executeTakeFirst();
      const data = JSON.parse(`[${row?.data ?? ""}]`) as PartData[];
      const keys = JSON.parse(`[${row?.keys ?? ""}]`) as [number, number][];
      keys.forEach(([position, schemaVersion], i) => {
        const stored = data[i] as PartData;
        const current =
          schemaVersion === PART_SCHEMA_VERSION
            ? stored
            : (catalogue.upcast("MessagePartAppended", schemaVersion, stored).data as PartData);
        fetched.set(position, current);
        cache.set(position, current);
      });
    }
    positions.forEach((position, i) => {
      found[i] ??= fetched.get(position);
    });
  }
  return found.map((data, i) => {
    if (data === undefined) throw new Error(`no MessagePartAppended at log position ${positions[i]}`);
    return data;
  });
}
