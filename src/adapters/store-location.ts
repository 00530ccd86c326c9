import { InvalidArgumentError } from "../domain/errors.js";

/** Where a colony's log and read models live: an embedded SQLite file or a PostgreSQL database. */
export type StoreLocation =
  | { readonly kind: "sqlite"; readonly file: string }
  | { readonly kind: "postgres"; readonly url: string };

const POSTGRES_SCHEMES = new Set(["postgres:", "postgresql:"]);

/**
 * Reads a `--db` value: `postgres://...` or `postgresql://...` names a PostgreSQL database, any
 * other `scheme://` is refused (a typo must not become a file of that name), anything else is a
 * SQLite file path.
 */
export function parseStoreLocation(text: string, field = "--db"): StoreLocation {
  if (text.trim() === "") throw new InvalidArgumentError(field, "expected a SQLite file path or a postgres:// URL");
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: "sqlite", file: text };
  if (!POSTGRES_SCHEMES.has(scheme)) {
    throw new InvalidArgumentError(field, `unsupported store ${scheme}// (expected a file path or postgres://...)`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(field, `not a valid PostgreSQL URL: ${redacted(text)}`);
  }
  if (url.hostname === "" && !url.searchParams.has("host")) {
    throw new InvalidArgumentError(field, `${redacted(text)} names no host`);
  }
  return { kind: "postgres", url: text };
}

/** The location as messages show it: a URL's password never reaches a log line or an error. */
export function describeLocation(location: StoreLocation): string {
  return location.kind === "sqlite" ? location.file : redacted(location.url);
}

function redacted(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}
