import type { Compilable, Kysely } from "kysely";

/** Stands in for a value while a statement is compiled; the store binds the real one by name. */
export class Placeholder {
  constructor(readonly name: string) {}
}

/** One write a handler asks for: a prepared statement and the values for its placeholders. */
export interface Write {
  readonly statement: Statement;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * A write shape declared once with Kysely and compiled once per store: `p.name` in the builder
 * becomes a parameter bound from `values.name` on every use. Building and compiling a Kysely
 * query per event cost more than running it; this keeps Kysely's typed builder for the shape
 * and leaves only the bind per event.
 */
export interface Statement<Values extends object = Record<string, unknown>> {
  (values: Values): Write;
  readonly build: (q: Kysely<unknown>) => Compilable;
}

export type Placeholders<Values> = { readonly [K in keyof Values]: Values[K] };

const placeholders = new Proxy({} as Record<string, Placeholder>, {
  get: (cache, name) => {
    if (typeof name !== "string") return undefined;
    cache[name] ??= new Placeholder(name);
    return cache[name];
  },
});

export function statement<DB, Values extends object>(
  build: (q: Kysely<DB>, p: Placeholders<Values>) => Compilable,
): Statement<Values> {
  const write = ((values: Values): Write => ({
    statement: write as unknown as Statement,
    values: values as Record<string, unknown>,
  })) as Statement<Values>;
  Object.defineProperty(write, "build", {
    value: (q: Kysely<unknown>) => build(q as unknown as Kysely<DB>, placeholders as unknown as Placeholders<Values>),
  });
  return write;
}
