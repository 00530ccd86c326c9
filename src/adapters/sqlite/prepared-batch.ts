import type { RecordedEvent } from "../../domain/envelope.js";
import { type AnyProjection, handlerFor } from "../../projections/projection.js";
import type { BatchRange } from "../../projections/projection-store.js";
import { StatementCompiler } from "../../projections/statement-compiler.js";
import { sqliteQueryBuilder } from "./query-builder.js";

/** A statement first used in a batch: its id from then on, its SQL and how many parameters it takes. */
export type AnnouncedStatement = readonly [id: number, sql: string, parameters: number];

/**
 * A batch of events already folded into bound writes, so that what is left for the thread that
 * owns the read models is to run them. Only ids and parameters cross between threads: no event
 * text and no statement object, which could not be cloned.
 */
export interface PreparedBatch extends BatchRange {
  /** Events read for this batch, those no projection handles included. */
  readonly events: number;
  readonly statements: readonly AnnouncedStatement[];
  /**
   * Per projection, in the order the encoder was given them: the event's position, the
   * statement id, then its parameters, for each write in fold order, all in one flat array (one
   * array per batch is far cheaper to clone than an object per write).
   */
  readonly writes: readonly (readonly unknown[])[];
}

/** Folds events into a PreparedBatch: the handlers run here, the SQL runs wherever the batch is applied. */
export class BatchEncoder {
  private statements: AnnouncedStatement[] = [];
  private writes: unknown[][];
  private events = 0;
  private readonly compiler = new StatementCompiler(sqliteQueryBuilder(), (c) =>
    this.statements.push([c.id, c.sql, c.slots.length]),
  );

  constructor(private readonly projections: readonly AnyProjection[]) {
    this.writes = projections.map(() => []);
  }

  get size(): number {
    return this.events;
  }

  /** Counts the event into the batch; handles it where a projection has a handler for its type. */
  add(event: RecordedEvent, handled = true): void {
    this.events++;
    if (!handled) return;
    const position = Number(event.position);
    for (let i = 0; i < this.projections.length; i++) {
      const handler = handlerFor(this.projections[i] as AnyProjection, event.type);
      if (!handler) continue;
      const into = this.writes[i] as unknown[];
      for (const write of handler(event)) {
        into.push(position, this.compiler.compile(write.statement).id);
        this.compiler.bindInto(write, into);
      }
    }
  }

  /** The batch so far, covering `range`; the encoder starts the next one empty. */
  take(range: BatchRange): PreparedBatch {
    const batch: PreparedBatch = { ...range, events: this.events, statements: this.statements, writes: this.writes };
    this.statements = [];
    this.writes = this.projections.map(() => []);
    this.events = 0;
    return batch;
  }
}

/** An announced statement as the applying side keeps it. */
export interface KnownStatement {
  readonly sql: string;
  readonly parameters: number;
  /** The applying side's own prepared handle, cached here once made. */
  prepared?: unknown;
}

/** What the applying side knows of the statements announced so far, by id. */
export class AnnouncedStatements {
  private readonly byId: KnownStatement[] = [];

  learn(statements: readonly AnnouncedStatement[]): void {
    for (const [id, sql, parameters] of statements) this.byId[id] = { sql, parameters };
  }

  get(id: number): KnownStatement {
    const statement = this.byId[id];
    if (!statement) throw new Error(`prepared batch uses statement ${id}, which was never announced`);
    return statement;
  }
}
