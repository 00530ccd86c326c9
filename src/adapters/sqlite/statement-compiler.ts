import type { Kysely } from "kysely";
import { Placeholder, type Statement, type Write } from "../../projections/statement.js";
import { sqliteQueryBuilder } from "./query-builder.js";

/** A declared statement compiled to SQLite: its SQL and, per parameter, a placeholder or a constant. */
export interface CompiledStatement {
  /** Numbered in the order the compiler first met them: a short name for the SQL across threads. */
  readonly id: number;
  readonly sql: string;
  readonly slots: readonly unknown[];
}

function bindable(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === undefined) return null;
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    throw new TypeError(
      `projection handlers must serialise objects before writing them (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

/**
 * Compiles each declared statement once and binds a write's named values to its positional
 * parameters, as better-sqlite3 takes them. The store binds on its own thread; a fold worker
 * binds off the main thread and sends only statement ids and parameters across.
 */
export class StatementCompiler {
  private readonly compiled = new Map<Statement, CompiledStatement>();
  private readonly q: Kysely<unknown> = sqliteQueryBuilder();

  constructor(private readonly onCompiled: (statement: CompiledStatement) => void = () => {}) {}

  compile(statement: Statement): CompiledStatement {
    let compiled = this.compiled.get(statement);
    if (!compiled) {
      const { sql, parameters } = statement.build(this.q).compile();
      compiled = { id: this.compiled.size, sql, slots: parameters };
      this.compiled.set(statement, compiled);
      this.onCompiled(compiled);
    }
    return compiled;
  }

  /** Appends the write's parameters, in order, to `into`; returns its compiled statement. */
  bindInto({ statement, values }: Write, into: unknown[]): CompiledStatement {
    const compiled = this.compile(statement);
    for (const slot of compiled.slots) {
      if (!(slot instanceof Placeholder)) {
        into.push(bindable(slot));
        continue;
      }
      if (!(slot.name in values)) throw new Error(`${compiled.sql}: no value for ${slot.name}`);
      into.push(bindable(values[slot.name]));
    }
    return compiled;
  }
}
