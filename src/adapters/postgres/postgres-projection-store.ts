import type pg from "pg";
import type { RecordedEvent } from "../../domain/envelope.js";
import { type AnyProjection, handlerFor } from "../../projections/projection.js";
import type { BatchRange, ProjectionStatus, ProjectionStore } from "../../projections/projection-store.js";
import { StatementCompiler } from "../../projections/statement-compiler.js";
import type { InlineFold, PostgresInlineProjections, SqlClient } from "./inline-projections.js";
import { postgresProjectionQueryBuilder } from "./postgres-projection-dialect.js";

/** The table of every projection's version and checkpoint, beside the read models. */
export const CHECKPOINTS = "projection_checkpoints";
const LAST = 2n ** 63n - 1n;
/** Serialises `prepare` across processes: CREATE TABLE IF NOT EXISTS races with itself in PostgreSQL. */
const PREPARE_LOCK = 0x636f6c6f6e79n; // "colony"

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface CheckpointRow {
  name: string;
  /** As text: the store never depends on how the pool parses int8. */
  position: string;
}

export interface PostgresProjectionStoreOptions {
  /** End the pool on `close` (the store opened it); otherwise its owner ends it. */
  readonly ownsPool?: boolean;
}

/**
 * Read models in a PostgreSQL database (by default the log's own), written through the
 * projection definitions' Kysely statements compiled for PostgreSQL once per store. A batch and
 * the checkpoints it moves commit together, on a client of the pool (`apply`) or on the client
 * an append transaction lends (`lockCheckpoints`, inline). Checkpoint rows are locked (FOR UPDATE)
 * for the rest of the transaction that reads them, so two processes folding the same
 * projections take turns and neither applies an event the other has.
 */
export class PostgresProjectionStore implements ProjectionStore, PostgresInlineProjections {
  private readonly q = postgresProjectionQueryBuilder<unknown>();
  private readonly compiler = new StatementCompiler(this.q);
  private readonly names: readonly string[];

  constructor(
    private readonly pool: pg.Pool,
    private readonly projections: readonly AnyProjection[],
    private readonly options: PostgresProjectionStoreOptions = {},
  ) {
    const names = new Set<string>();
    for (const p of projections) {
      if (names.has(p.name)) throw new Error(`two projections are named ${p.name}`);
      names.add(p.name);
    }
    this.names = [...names].sort();
  }

  /** The projections this store keeps. */
  get definitions(): readonly AnyProjection[] {
    return this.projections;
  }

  async prepare(): Promise<ProjectionStatus[]> {
    await this.transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [PREPARE_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS} (name text COLLATE "C" PRIMARY KEY, version integer NOT NULL, position bigint NOT NULL)`,
      );
      const stored = await this.lockVersions(client, this.names);
      for (const projection of this.projections) {
        if (stored.get(projection.name) !== projection.version) await this.recreate(client, projection);
      }
    });
    return this.status();
  }

  async status(): Promise<ProjectionStatus[]> {
    const checkpoints = await this.readCheckpoints(this.pool, false);
    return this.projections.map((p) => ({
      name: p.name,
      version: p.version,
      checkpoint: checkpoints.get(p.name) ?? 0n,
    }));
  }

  async apply(events: readonly RecordedEvent[], range: BatchRange): Promise<void> {
    await this.transaction(async (client) => {
      // Read (and locked) inside the transaction: another process may have moved one since.
      const checkpoints = await this.readCheckpoints(client, true);
      await this.fold(client, checkpoints, events, range, this.pool.options.pipeline === true);
    });
  }

  /**
   * Locks this store's checkpoint rows until the append transaction ends: appenders folding the
   * same projections inline queue here, each then reading the log after the checkpoint the
   * previous one committed. The fold reuses what was read: the rows stay locked until it ends.
   */
  async lockCheckpoints(tx: SqlClient): Promise<InlineFold> {
    const checkpoints = await this.readCheckpoints(tx, true);
    const after = this.projections.reduce((min, p) => {
      const checkpoint = checkpoints.get(p.name) ?? 0n;
      return checkpoint < min ? checkpoint : min;
    }, LAST);
    return {
      after,
      apply: (events, through) => this.fold(tx, checkpoints, events, { after, through }, false),
    };
  }

  async reset(names: readonly string[]): Promise<void> {
    const chosen = names.map((name) => {
      const projection = this.projections.find((p) => p.name === name);
      if (!projection)
        throw new Error(`unknown projection ${name} (known: ${this.projections.map((p) => p.name).join(", ")})`);
      return projection;
    });
    await this.transaction(async (client) => {
      await this.lockVersions(
        client,
        chosen.map((p) => p.name),
      );
      for (const projection of chosen) await this.recreate(client, projection);
    });
  }

  async close(): Promise<void> {
    if (this.options.ownsPool && !this.pool.ended) await this.pool.end();
  }

  /**
   * The writes of every projection whose checkpoint (as locked by this transaction) the batch
   * continues, then one checkpoint update for them all. On a pipelined client (readModelPool's) they are sent at once, else
   * one after another: the order is the same, only the waits between them go.
   */
  private async fold(
    client: SqlClient,
    checkpoints: ReadonlyMap<string, bigint>,
    events: readonly RecordedEvent[],
    { after, through }: BatchRange,
    pipelined: boolean,
  ): Promise<void> {
    const advanced: string[] = [];
    const writes: [sql: string, parameters: unknown[]][] = [];
    for (const projection of this.projections) {
      const checkpoint = checkpoints.get(projection.name) ?? 0n;
      if (through <= checkpoint || checkpoint < after) continue;
      for (const event of events) {
        if (event.position <= checkpoint) continue;
        const handler = handlerFor(projection, event.type);
        if (!handler) continue;
        for (const write of handler(event)) {
          const parameters: unknown[] = [];
          writes.push([this.compiler.bindInto(write, parameters).sql, parameters]);
        }
      }
      advanced.push(projection.name);
    }
    if (advanced.length === 0) return;
    writes.push([`UPDATE ${CHECKPOINTS} SET position = $1 WHERE name = ANY($2)`, [through, advanced]]);
    if (pipelined) await settled(writes.map(([sql, parameters]) => client.query(sql, parameters)));
    else for (const [sql, parameters] of writes) await client.query(sql, parameters);
  }

  private async recreate(client: SqlClient, projection: AnyProjection): Promise<void> {
    for (const table of [...projection.tables].reverse()) await client.query(`DROP TABLE IF EXISTS ${quote(table)}`);
    for (const ddl of projection.schema(this.q)) {
      const { sql, parameters } = ddl.compile();
      if (parameters.length > 0) throw new Error(`projection ${projection.name}: DDL takes no parameters (${sql})`);
      await client.query(sql);
    }
    await client.query(
      `INSERT INTO ${CHECKPOINTS} (name, version, position) VALUES ($1, $2, 0)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0`,
      [projection.name, projection.version],
    );
  }

  /**
   * Locks the checkpoint rows before their tables are dropped: every fold locks them first and
   * then writes the tables, so taking them in the same order never deadlocks with one.
   */
  private async lockVersions(client: SqlClient, names: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await client.query(
      `SELECT name, version FROM ${CHECKPOINTS} WHERE name = ANY($1) ORDER BY name FOR UPDATE`,
      [names],
    );
    return new Map((rows as { name: string; version: number }[]).map((r) => [r.name, r.version]));
  }

  private async readCheckpoints(client: SqlClient, lock: boolean): Promise<Map<string, bigint>> {
    if (this.names.length === 0) return new Map();
    // In name order, so two transactions locking overlapping sets cannot deadlock.
    const { rows } = await client.query(
      `SELECT name, position::text AS position FROM ${CHECKPOINTS} WHERE name = ANY($1) ORDER BY name${lock ? " FOR UPDATE" : ""}`,
      [this.names],
    );
    return new Map((rows as CheckpointRow[]).map((r) => [r.name, BigInt(r.position)]));
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollback: Error) => {
        broken = rollback;
      });
      throw error;
    } finally {
      // A client whose rollback failed is in an unknown state: the pool discards it.
      client.release(broken);
    }
  }
}

/** Waits for every query (none is left running on the client), then fails with the first error (the later ones only say the transaction was aborted). */
async function settled(queries: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(queries);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}
