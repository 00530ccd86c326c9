import type { Kysely } from "kysely";
import { Placeholder, type Statement, type Write } from "./statement.js";

/** A declared statement compiled for one dialect: its SQL and, per parameter, a placeholder or a constant. */
export interface CompiledStatement {
  /** Numbered in the order the compiler first met them: a short name for the SQL across threads. */
  readonly id: number;
  readonly sql: string;
  readonly slots: readonly unknown[];
}

/**
 * The values every store binds alike: booleans as 1/0 (read models keep flags in integer
 * columns on every dialect), undefined as NULL; objects must have been serialised by the handler.
 */
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
 * Compiles each declared statement once, with the query builder of the store's dialect, and
 * binds a write's named values to the positional parameters that dialect's driver takes. One
 * compiler per store: the SQL differs between dialects, the binding does not.
 */
export class StatementCompiler {
  private readonly compiled = new Map<Statement, CompiledStatement>();

  constructor(
    private readonly q: Kysely<unknown>,
    private readonly onCompiled: (statement: CompiledStatement) => void = () => {},
  ) {}

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
