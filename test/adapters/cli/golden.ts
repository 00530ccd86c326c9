import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/**
 * What differs between two runs of the demo, and nothing else, replaced by placeholders: ids
 * (UUIDv7s are times), clock times, durations, tool call numbers and global positions (concurrent
 * workers interleave their appends and model calls differently from run to run). Everything
 * else, seqs, versions, counts, tokens and text included, must match the golden file exactly.
 */
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;
const ID = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/g;
// A time or an id cut short by a column's width ends with the ellipsis. Ids here are UUIDv7s of
// this century, so they start with 0; neither starts right after a letter, digit or dash (the
// middle of an id such as -7000-9… is not a year).
const CUT_TIME = /(?<![0-9A-Za-z-])\d{4}-[0-9T:.-]*…/g;
const CUT_ID = /(?<![0-9A-Za-z-])0[0-9a-f-]*…/g;
const DURATION = /\b\d+ ms\b/g;
// The scripted model numbers tool calls with one counter for every agent it serves, so the
// numbers depend on how concurrent workers interleave. Same length, so cuts stay where they were.
const CALL_ID = /\bcall_\d+_\d+\b/g;
// Positions print as #N in inspect's histories; the padding after them varies with their digits.
const POSITION = /#\d+ */g;
// `colony events` tables start each row with the position.
const POSITION_COLUMN = /^ *\d+(?= {2})/gm;

export interface NormaliseOptions {
  /** Every id masked alike: for outputs where which worker did what depends on scheduling. */
  readonly sameIds?: boolean;
  /** The text is a `colony events` table. */
  readonly positionColumn?: boolean;
}

/**
 * `<label>` stretched with dots to the length of what it replaces, so the tables of a golden file
 * stay aligned as printed (ids and times have one length; a cut one keeps its ellipsis).
 */
function mask(label: string, original: string): string {
  const cutShort = original.endsWith("…");
  const length = [...original].length - (cutShort ? 1 : 0);
  return `<${label}${".".repeat(Math.max(0, length - label.length - 2))}>${cutShort ? "…" : ""}`;
}

/** Ids become <id1...>, <id2...> in order of first appearance, so one id reads the same throughout. */
export function normalise(text: string, options: NormaliseOptions = {}): string {
  const ids = new Map<string, string>();
  const out = text
    .replace(TIME, (time) => mask("time", time))
    .replace(CUT_TIME, (time) => mask("time", time))
    .replace(ID, (id) => {
      if (options.sameIds) return mask("id", id);
      const placeholder = ids.get(id) ?? mask(`id${ids.size + 1}`, id);
      ids.set(id, placeholder);
      return placeholder;
    })
    .replace(CUT_ID, (id) => mask("id", id))
    .replace(DURATION, "<n> ms")
    .replace(CALL_ID, (id) => id.replace(/\d/g, "N"))
    .replace(POSITION, "#<pos> ");
  return options.positionColumn ? out.replace(POSITION_COLUMN, "<pos>") : out;
}

const GOLDEN = fileURLToPath(new URL("./golden/", import.meta.url));

/** Compares with golden/NAME.txt; UPDATE_GOLDEN=1 writes it instead. */
export function expectGolden(name: string, actual: string): void {
  const file = `${GOLDEN}${name}.txt`;
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run the test with UPDATE_GOLDEN=1 to write it`);
  expect(actual, `${name}: differs from ${file} (UPDATE_GOLDEN=1 rewrites it after a deliberate change)`).toBe(
    readFileSync(file, "utf8"),
  );
}
