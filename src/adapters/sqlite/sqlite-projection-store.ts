import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { RecordedEvent } from "../../domain/envelope.js";
import { type AnyProjection, handlerFor } from "../../projections/projection.js";
import type { BatchRange, ProjectionStatus, ProjectionStore } from "../../projections/projection-store.js";
import { StatementCompiler } from "../../projections/statement-compiler.js";
import type { AnnouncedStatements, PreparedBatch } from "./prepared-batch.js";
import { sqliteQueryBuilder } from "./query-builder.js";
import type { InlineProjections } from "./sqlite-event-store.js";

const CHECKPOINTS = "projection_checkpoints";
const LAST = 2n ** 63n - 1n;

/** Runs one projection's share of a batch: its writes for the events after its checkpoint. */
type FoldOne = (projection: AnyProjection, index: number, checkpoint: bigint) => void;

/**
 * Read models in a SQLite database (by default the log's own file), written through compiled
 * Kysely queries on better-sqlite3. A batch and the checkpoints it moves commit together.
 */
export class SqliteProjectionStore implements ProjectionStore, InlineProjections {
  private readonly q: Kysely<unknown> = sqliteQueryBuilder();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly compiler = new StatementCompiler(this.q);
  /** This store's projection names, as the JSON array its checkpoint update takes. */
  private readonly names: string;
  private readonly checkpoints = new Map<string, bigint>();
  private readonly foldBatch: Database.Transaction<(range: BatchRange, foldOne: FoldOne) => void>;

  constructor(
    private readonly db: Database.Database,
    private readonly projections: readonly AnyProjection[],
  ) {
    const names = new Set<string>();
    for (const p of projections) {
      if (names.has(p.name)) throw new Error(`two projections are named ${p.name}`);
      names.add(p.name);
    }
    this.names = JSON.stringify([...names]);
    this.foldBatch = db.transaction((range: BatchRange, foldOne: FoldOne) => this.fold(range, foldOne));
  }

  get database(): Database.Database {
    return this.db;
  }

  async prepare(): Promise<ProjectionStatus[]> {
    this.db
      .transaction(() => {
        this.db.exec(
          `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS} (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)`,
        );
        const stored = new Map(
          (
            this.db.prepare(`SELECT name, version FROM ${CHECKPOINTS}`).all() as { name: string; version: number }[]
          ).map((r) => [r.name, r.version]),
        );
        for (const projection of this.projections) {
          if (stored.get(projection.name) !== projection.version) this.recreate(projection);
        }
      })
      .immediate();
    return this.status();
  }

  async status(): Promise<ProjectionStatus[]> {
    this.loadCheckpoints();
    return this.projections.map((p) => ({
      name: p.name,
      version: p.version,
      checkpoint: this.checkpoints.get(p.name) ?? 0n,
    }));
  }

  async apply(events: readonly RecordedEvent[], range: BatchRange): Promise<void> {
    this.foldBatch.immediate(range, this.handling(events));
  }

  applyWithin(events: readonly RecordedEvent[], range: BatchRange): void {
    this.fold(range, this.handling(events));
  }

  /**
   * Applies a batch whose handlers already ran (on a fold worker, see fold-in-worker.ts): the
   * same transaction, checkpoints and skips as `apply`, only the writes are given ready-bound.
   * `batch.writes` follows this store's projection order.
   */
  applyPrepared(batch: PreparedBatch, statements: AnnouncedStatements): void {
    statements.learn(batch.statements);
    this.foldBatch.immediate(batch, (_projection, index, checkpoint) => {
      const writes = batch.writes[index] ?? [];
      const after = Number(checkpoint);
      for (let i = 0; i < writes.length; ) {
        const position = writes[i] as number;
        const known = statements.get(writes[i + 1] as number);
        const start = i + 2;
        i = start + known.parameters;
        if (position <= after) continue;
        known.prepared ??= this.statement(known.sql);
        (known.prepared as Database.Statement).run(writes.slice(start, i));
      }
    });
  }

  /** The projections this store keeps, in the order `applyPrepared` expects their writes. */
  get definitions(): readonly AnyProjection[] {
    return this.projections;
  }

  lowestCheckpoint(): bigint {
    this.loadCheckpoints();
    return this.projections.reduce((min, p) => {
      const checkpoint = this.checkpoints.get(p.name) ?? 0n;
      return checkpoint < min ? checkpoint : min;
    }, LAST);
  }

  async reset(names: readonly string[]): Promise<void> {
    const chosen = names.map((name) => {
      const projection = this.projections.find((p) => p.name === name);
      if (!projection)
        throw new Error(`unknown projection ${name} (known: ${this.projections.map((p) => p.name).join(", ")})`);
      return projection;
    });
    this.db
      .transaction(() => {
        for (const projection of chosen) this.recreate(projection);
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Runs the handlers here, on the events after each projection's checkpoint. */
  private handling(events: readonly RecordedEvent[]): FoldOne {
    return (projection, _index, checkpoint) => {
      const parameters: unknown[] = [];
      for (const event of events) {
        if (event.position <= checkpoint) continue;
        const handler = handlerFor(projection, event.type);
        if (!handler) continue;
        for (const write of handler(event)) {
          parameters.length = 0;
          this.statement(this.compiler.bindInto(write, parameters).sql).run(...parameters);
        }
      }
    };
  }

  private fold({ after, through }: BatchRange, foldOne: FoldOne): void {
    // Read inside the transaction: another process (a rebuild, say) may have moved one since.
    this.loadCheckpoints();
    this.projections.forEach((projection, index) => {
      const checkpoint = this.checkpoints.get(projection.name) ?? 0n;
      if (through <= checkpoint || checkpoint < after) return;
      foldOne(projection, index, checkpoint);
      this.checkpoints.set(projection.name, through);
    });
    // One statement moves every checkpoint the loop above advanced: same condition, in SQL.
    this.statement(
      `UPDATE ${CHECKPOINTS} SET position = ? WHERE position >= ? AND position < ?
       AND name IN (SELECT value FROM json_each(?))`,
    ).run(through, after, through, this.names);
  }

  private recreate(projection: AnyProjection): void {
    // main: a point-in-time database attaches the log file (project-at.ts), whose tables of the
    // same names an unqualified DROP would find when main has none yet.
    for (const table of [...projection.tables].reverse()) this.db.exec(`DROP TABLE IF EXISTS main."${table}"`);
    for (const ddl of projection.schema(this.q)) this.db.prepare(ddl.compile().sql).run();
    this.statement(
      `INSERT INTO ${CHECKPOINTS} (name, version, position) VALUES (?, ?, 0)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0`,
    ).run(projection.name, projection.version);
    this.checkpoints.set(projection.name, 0n);
  }

  private loadCheckpoints(): void {
    const rows = this.statement(`SELECT name, position FROM ${CHECKPOINTS}`).safeIntegers(true).all() as {
      name: string;
      position: bigint;
    }[];
    for (const row of rows) this.checkpoints.set(row.name, row.position);
  }

  /** Statements by their SQL, prepared on first use (their table may not exist before). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
