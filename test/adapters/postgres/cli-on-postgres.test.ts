import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { PostgresEventStore } from "../../../src/adapters/postgres/postgres-event-store.js";
import type { NewEvent } from "../../../src/domain/envelope.js";
import { allProjections } from "../../../src/projections/read-models.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { sample } from "../../support/sample-events.js";
import { cli, output, repoRoot, spawnColony, tempDir, until } from "../cli/helpers.js";

let tmp: ReturnType<typeof tempDir>;
const dropping: PostgresDatabase[] = [];
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  tmp.remove();
  for (const database of dropping.splice(0)) await database.drop();
});

async function database(): Promise<string> {
  const created = await freshPostgresDatabase();
  dropping.push(created);
  return created.url;
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** A colony the ledger wrote: six tasks seeded by `colony tasks seed`, drained by `colony worker`. */
async function ledgerLog(url: string): Promise<void> {
  const seed = await cli(["tasks", "seed", "--db", url, "--colony", "wc", join(repoRoot, "examples", "tasks.json")]);
  expect(seed.stderr).toBe("");
  const work = await cli(["worker", "--db", url, "--colony", "wc", "--until-empty", "--concurrency", "2"]);
  expect(work.code, work.stderr).toBe(0);
  expect(work.stdout).toContain("6 done, 0 failed");
}

interface StatusJson {
  head: number;
  projections: { name: string; checkpoint: number; lag: number; state: string }[];
}

async function status(url: string): Promise<StatusJson> {
  const run = await cli(["projections", "status", "--db", url, "--json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as StatusJson;
}

async function exported(db: string): Promise<string[]> {
  const run = await cli(["export", "--db", db]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trimEnd().split("\n");
}

/** The events of an export as a log holds them, but for the positions each log numbers its own way. */
const unpositioned = (lines: readonly string[]) =>
  lines.map((line) => {
    const { position: _, ...event } = JSON.parse(line) as Record<string, unknown>;
    return event;
  });

const positionsOf = (lines: readonly string[]) =>
  lines.map((line) => (JSON.parse(line) as { position: number }).position);

/**
 * k1: started, parts seq 0-2, compacted through seq 1, part seq 3; k2 forks k1 at version 5 and
 * adds part seq 4. One append per event, so the PostgreSQL positions are a transaction apart.
 */
async function conversationLog(url: string): Promise<void> {
  const store = await PostgresEventStore.open(url);
  const appendEach = async (streamId: string, events: NewEvent[]) => {
    for (const [version, event] of events.entries()) {
      await store.append(streamId, [event], { expectedVersion: version === 0 ? "no_stream" : BigInt(version - 1) });
    }
  };
  try {
    await appendEach("conversation-k1", [
      sample("ConversationStarted", { conversationId: "k1", systemPrompt: "You are the queen." }),
      sample("MessagePartAppended", { seq: 0, role: "user", content: "Find papers on ants." }),
      sample("MessagePartAppended", {
        seq: 1,
        role: "assistant",
        content: "",
        toolCalls: [{ id: "call_1", name: "search", arguments: { q: "ants" } }],
      }),
      sample("MessagePartAppended", { seq: 2, role: "tool", content: "3 results", toolCallId: "call_1" }),
      sample("ConversationCompacted", { throughSeq: 1, summary: "The person asked for papers on ants." }),
      sample("MessagePartAppended", { seq: 3, role: "assistant", content: "Here are three." }),
    ]);
    await appendEach("conversation-k2", [
      sample("ConversationForked", { conversationId: "k2", parentConversationId: "k1", parentVersion: 5 }),
      sample("MessagePartAppended", { seq: 4, role: "user", content: "Summarise paper 1." }),
    ]);
  } finally {
    await store.close();
  }
}

async function exitCode(child: ReturnType<typeof spawnColony>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

/** An inspect's output but its first line, which names the position read at (numbered per log). */
const body = (stdout: string) => stdout.split("\n").slice(1).join("\n");

describePostgres("the CLI on a postgres:// --db", () => {
  it("projections status and rebuild --verify on a log the ledger wrote; verify names a table edited by hand", async () => {
    const url = await database();
    await ledgerLog(url);
    const events = (await exported(url)).length;

    // Only the ledger was folded (inline, by the writers): the rest were never built here, and
    // their lag is the log's events, counted (PostgreSQL positions are not 1..n).
    const before = await status(url);
    expect(before.projections.map((p) => p.name)).toEqual(allProjections.map((p) => p.name));
    for (const p of before.projections) {
      expect(p).toMatchObject(
        p.name === "progress_ledger"
          ? { state: "up to date", checkpoint: before.head, lag: 0 }
          : { state: "never built", checkpoint: 0, lag: events },
      );
    }
    expect(before.head).toBeGreaterThan(events);

    const first = await cli(["projections", "rebuild", "--db", url, "--verify"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`up to position ${before.head}: ${events} events`);
    expect(first.stdout).toMatch(/progress_ledger {2}tasks +match {3}6 rows/);
    expect(first.stdout).not.toContain("MISMATCH");
    expect(first.stderr).toContain("verify: skipping workers: never built here");
    expect(first.stderr).toContain(`${events}/${events} events (100%)`);
    expect((await status(url)).projections.every((p) => p.state === "up to date" && p.lag === 0)).toBe(true);

    // Every read model built now: all compared, all equal.
    const again = await cli(["projections", "rebuild", "--db", url, "--verify"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("skipping");
    expect(again.stdout).toMatch(/workers +workers +match/);
    expect(again.stdout).not.toContain("MISMATCH");

    const edited = await sql(url, "UPDATE tasks SET goal = goal || ' (edited)' WHERE seq = 0");
    expect(edited.rowCount).toBe(1);
    const caught = await cli(["projections", "rebuild", "--db", url, "progress_ledger", "--verify"]);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toMatch(/progress_ledger {2}tasks +MISMATCH/);
    expect(caught.stdout.match(/MISMATCH/g)).toHaveLength(1);
    expect(caught.stderr.trimEnd().split("\n").at(-1)).toBe(
      `error: verify failed: table tasks differs from a rebuild at position ${before.head} (the rebuilt tables have replaced them) [verify_mismatch]`,
    );
    // The rebuild replaced the edited table.
    expect((await cli(["projections", "rebuild", "--db", url, "--verify"])).code).toBe(0);
    expect((await sql(url, "SELECT count(*)::int AS n FROM tasks WHERE goal LIKE '%(edited)'")).rows[0]).toEqual({
      n: 0,
    });

    const colony = await cli(["inspect", "colony", "wc", "--db", url]);
    expect(colony.code, colony.stderr).toBe(0);
    expect(colony.stdout).toContain(`colony wc (id wc) at the head (position ${before.head})`);
    expect(colony.stdout).toContain("ledger: 6 tasks (6 done)");
  });

  it("events, export and import carry a PostgreSQL log into a SQLite file and back, the same events", async () => {
    const url = await database();
    await ledgerLog(url);
    const original = await exported(url);
    expect((await cli(["events", "--db", url, "--json"])).stdout.trimEnd().split("\n")).toEqual(original);
    const table = await cli(["events", "--db", url, "--stream", "colony-wc"]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^ *POSITION +STREAM +VERSION +TYPE/);
    expect(table.stdout).toContain("ColonyCreated");

    const jsonl = tmp.path("pg.jsonl");
    writeFileSync(jsonl, `${original.join("\n")}\n`);
    const file = tmp.path("copy.db");
    const intoSqlite = await cli(["import", "--db", file, jsonl]);
    expect(intoSqlite.code, intoSqlite.stderr).toBe(0);
    const copy = await exported(file);
    expect(positionsOf(copy)).toEqual(original.map((_, i) => i + 1));
    expect(unpositioned(copy)).toEqual(unpositioned(original));

    const back = await database();
    const sqliteJsonl = tmp.path("sqlite.jsonl");
    writeFileSync(sqliteJsonl, `${copy.join("\n")}\n`);
    const intoPostgres = await cli(["import", "--db", back, sqliteJsonl]);
    expect(intoPostgres.code, intoPostgres.stderr).toBe(0);
    const streams = new Set(unpositioned(original).map((e) => e.streamId)).size;
    expect(intoPostgres.stderr).toContain(`imported ${original.length} events into ${streams} streams`);
    const returned = await exported(back);
    expect(unpositioned(returned)).toEqual(unpositioned(original));
    // A second import is refused whole, checked against the PostgreSQL log's streams.
    const twice = await cli(["import", "--db", back, sqliteJsonl]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(
      /^error: line 1: version: expected version 1 of \S+ \(the target log has the stream at version 0\), got 0 \[invalid_import_line\]\n$/,
    );
    expect(await exported(back)).toEqual(returned);
  });

  it("events --follow prints what is appended after the existing events, until stopped", async () => {
    const url = await database();
    await conversationLog(url);
    const child = spawnColony(["events", "--db", url, "--follow", "--json"]);
    const seen = output(child);
    try {
      await until(() => seen.stdout().trimEnd().split("\n").length === 8, "the existing events");
      const store = await PostgresEventStore.open(url);
      try {
        await store.append("conversation-k2", [sample("MessagePartAppended", { seq: 5, content: "live" })], {
          expectedVersion: 1n,
        });
      } finally {
        await store.close();
      }
      await until(() => seen.stdout().includes('"content":"live"'), "the live event");
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
      expect(seen.stderr()).toBe("");
      expect(seen.stdout().trimEnd().split("\n")).toHaveLength(9);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("inspect and diff read a PostgreSQL log as they read its SQLite copy, now and at a position (--at)", async () => {
    const url = await database();
    await conversationLog(url);
    const lines = await exported(url);
    const jsonl = tmp.path("pg.jsonl");
    writeFileSync(jsonl, `${lines.join("\n")}\n`);
    const file = tmp.path("copy.db");
    expect((await cli(["import", "--db", file, jsonl])).code).toBe(0);
    const positions = positionsOf(lines);

    const onSqlite = await cli(["inspect", "conversation", "k2", "--db", file]);
    expect(onSqlite.stdout).toContain("Summarise paper 1.");
    // Never built on PostgreSQL: folded in memory, said so, the database left as it was.
    const folded = await cli(["inspect", "conversation", "k2", "--db", url]);
    expect(folded.code).toBe(0);
    expect(folded.stderr).toContain("the conversations read model in this log was never built here");
    expect(folded.stdout.split("\n")[0]).toBe(`conversation k2 at the head (position ${positions.at(-1)})`);
    expect(body(folded.stdout)).toBe(body(onSqlite.stdout));
    expect((await status(url)).projections.every((p) => p.state === "never built")).toBe(true);

    // At the fork (the 7th event): k1's parts through seq 3 inherited, nothing of k2's own yet.
    const at = await cli(["inspect", "conversation", "k2", "--db", url, "--at", String(positions[6])]);
    const atOnSqlite = await cli(["inspect", "conversation", "k2", "--db", file, "--at", "7"]);
    expect(at.code, at.stderr).toBe(0);
    expect(body(at.stdout)).toBe(body(atOnSqlite.stdout));
    expect(at.stdout).not.toContain("Summarise paper 1.");
    expect(at.stdout).toContain("inherited k1");

    // Built: the stored read model is read, with the same result and no note.
    expect((await cli(["projections", "rebuild", "--db", url, "conversations"])).code).toBe(0);
    const stored = await cli(["inspect", "conversation", "k2", "--db", url]);
    expect(stored.stderr).toBe("");
    expect(body(stored.stdout)).toBe(body(onSqlite.stdout));

    const diff = await cli(["diff", "k1", "k2", "--db", url]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toBe((await cli(["diff", "k1", "k2", "--db", file])).stdout);
    expect(diff.stdout).toContain("common ancestor: k1 up to version 5 (A itself)");
  });

  it("an unknown scheme and an unreachable server are one-line errors, without a stack or the password", async () => {
    const verbs = [
      ["events"],
      ["export"],
      ["import", join(repoRoot, "examples", "tasks.json")],
      ["inspect", "conversation", "k1"],
      ["diff", "k1", "k2"],
      ["projections", "status"],
      ["projections", "rebuild", "--verify"],
    ];
    // Port 1 on the loopback: nothing listens there, the connection is refused at once.
    const unreachable = "postgres://colony:s3cret@127.0.0.1:1/colony";
    for (const verb of verbs) {
      for (const [db, expected] of [
        [
          "mysql://colony:s3cret@db.example/colony",
          "error: --db: unsupported store mysql:// (expected a file path or postgres://...) [invalid_argument]",
        ],
        [
          unreachable,
          "error: cannot open log at postgres://colony:***@127.0.0.1:1/colony: connect ECONNREFUSED 127.0.0.1:1 [cannot_open_log]",
        ],
      ] as const) {
        const run = await cli([...verb, "--db", db]);
        expect(run.code, `${verb.join(" ")} --db ${db}`).toBe(1);
        expect(run.stderr, `${verb.join(" ")} --db ${db}`).toBe(`${expected}\n`);
      }
    }
    // The real process too: nothing else reaches stderr (no unhandled pool error, no stack).
    const child = spawnColony(["projections", "status", "--db", unreachable]);
    const seen = output(child);
    expect(await exitCode(child)).toBe(1);
    expect(seen.stderr()).toBe(
      "error: cannot open log at postgres://colony:***@127.0.0.1:1/colony: connect ECONNREFUSED 127.0.0.1:1 [cannot_open_log]\n",
    );
  });
});
