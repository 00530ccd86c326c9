import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../../src/adapters/cli/program.js";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { allProjections } from "../../../src/projections/read-models.js";
import { ColonyStory, seededDraw } from "../../projections/runner/colony-story.js";
import { Capture, cli, seed, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const names = allProjections.map((p) => p.name);

/** A log written in chunks, the read models caught up after each: built incrementally, as a colony runs. */
async function scenario(file: string, chunks = 6, appendsPerChunk = 60): Promise<bigint> {
  const db = await openColonyDatabase(file, { warn: () => {} });
  try {
    const story = new ColonyStory(seededDraw(11));
    for (let i = 0; i < chunks; i++) {
      await db.events.appendMany(story.appends(appendsPerChunk));
      await db.runner.catchUp();
    }
    return await db.events.headPosition();
  } finally {
    await db.close();
  }
}

/** A log only (no read model built), of about `events` events. */
async function logOnly(file: string, appends: number): Promise<bigint> {
  const store = SqliteEventStore.open(file);
  try {
    const story = new ColonyStory(seededDraw(5));
    for (let i = 0; i < appends; i += 500) await store.appendMany(story.appends(Math.min(500, appends - i)));
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

interface StatusJson {
  head: number;
  projections: {
    name: string;
    version: number | null;
    storedVersion: number | null;
    checkpoint: number;
    lag: number;
    needsRebuild: boolean;
    state: string;
  }[];
}

async function status(db: string): Promise<StatusJson> {
  const run = await cli(["projections", "status", "--db", db, "--json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as StatusJson;
}

function sql<T>(file: string, query: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return query(db);
  } finally {
    db.close();
  }
}

describe("colony projections status", () => {
  it("reports a log whose read models were never built, without building them", async () => {
    const db = tmp.path("log.db");
    await seed(db);
    const text = await cli(["projections", "status", "--db", db]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("head position 6");
    expect(text.stdout).toMatch(/^projection\s+version\s+built by\s+checkpoint\s+lag\s+state$/m);
    expect(text.stdout).toMatch(/^workers\s+1\s+-\s+0\s+6\s+never built$/m);
    const json = await status(db);
    expect(json.head).toBe(6);
    expect(json.projections.map((p) => p.name)).toEqual(names);
    expect(json.projections[0]).toEqual({
      name: "workers",
      version: 1,
      storedVersion: null,
      checkpoint: 0,
      lag: 6,
      needsRebuild: false,
      state: "never built",
    });
    // Nothing was created: no checkpoint table, no read-model table.
    const tables = sql(db, (d) => d.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
    expect(tables).not.toContain("projection_checkpoints");
    expect(tables).not.toContain("workers");
  });

  it("before and after a rebuild, behind after new events, and a changed version without rebuilding it", async () => {
    const db = tmp.path("log.db");
    const head = await logOnly(db, 400);
    expect((await status(db)).projections.every((p) => p.state === "never built")).toBe(true);

    expect((await cli(["projections", "rebuild", "--db", db])).code).toBe(0);
    const after = await status(db);
    for (const p of after.projections) {
      expect(p).toMatchObject({ checkpoint: Number(head), lag: 0, needsRebuild: false, state: "up to date" });
      expect(p.storedVersion).toBe(p.version);
    }
    expect((await cli(["projections", "status", "--db", db])).stdout).toMatch(
      new RegExp(`^workers\\s+1\\s+1\\s+${head}\\s+0\\s+up to date$`, "m"),
    );

    const store = SqliteEventStore.open(db);
    await store.append("worker-late", [{ type: "WorkerQueued", data: { reason: "cap" } }], { expectedVersion: "any" });
    await store.close();
    expect((await status(db)).projections[0]).toMatchObject({ lag: 1, state: "behind" });

    // As if the code had moved to version 2 since: status says so and leaves the read model alone.
    sql(db, (d) => d.prepare("UPDATE projection_checkpoints SET version = 0 WHERE name = 'workers'").run());
    const rows = sql(db, (d) => d.prepare("SELECT count(*) FROM workers").pluck().get());
    expect((await status(db)).projections[0]).toMatchObject({
      version: 1,
      storedVersion: 0,
      needsRebuild: true,
      state: "needs rebuild",
    });
    expect((await cli(["projections", "status", "--db", db])).stdout).toContain(
      "needs rebuild (built by version 0, code has 1)",
    );
    expect(sql(db, (d) => d.prepare("SELECT count(*) FROM workers").pluck().get())).toBe(rows);
    expect(
      sql(db, (d) => d.prepare("SELECT version FROM projection_checkpoints WHERE name = 'workers'").pluck().get()),
    ).toBe(0);
  });

  it("refuses a missing log without creating it", async () => {
    const db = tmp.path("missing.db");
    for (const verb of [
      ["status", "--db", db],
      ["rebuild", "--db", db],
    ]) {
      const run = await cli(["projections", ...verb]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`no log at ${db}`);
    }
    expect(existsSync(db)).toBe(false);
  });
});

describe("colony projections rebuild", () => {
  it("prints plain progress lines on stderr when it is not a terminal", async () => {
    const db = tmp.path("log.db");
    const head = await logOnly(db, 3000);
    const run = await cli(["projections", "rebuild", "--db", db, "--batch-size", "50"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^rebuilt ${names.join(", ")} up to position ${head}: ${head} events in [0-9.]+s \\([0-9]+ events/s\\)$`,
        "m",
      ),
    );
    expect(run.stderr).not.toContain("\r");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const line of lines) {
      expect(line).toMatch(/^rebuild [a-z0-9_, ]+: [0-9,]+\/[0-9,]+ events \([0-9]+%\), [0-9,]+ events\/s, ETA \S+/);
    }
    expect(lines.at(-1)).toContain(`${head.toLocaleString("en-US")}/${head.toLocaleString("en-US")} events (100%)`);
  });

  it("draws a bar in place on a terminal, at most about ten times a second", async () => {
    const db = tmp.path("log.db");
    await logOnly(db, 3000);
    const stderr = Object.assign(new Capture(), { isTTY: true, columns: 120 });
    const started = performance.now();
    const code = await runCli(["projections", "rebuild", "--db", db, "--batch-size", "10"], {
      stdout: new Capture(),
      stderr,
    });
    const elapsed = performance.now() - started;
    expect(code).toBe(0);
    const frames = stderr.text.split("\r\x1b[2K").slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    for (const frame of frames) {
      expect(frame).toMatch(/^rebuild .* \[[#-]+\]\s+[0-9]+% [0-9,]+\/[0-9,]+ events [0-9,]+ ev\/s ETA \S+/);
      expect(frame.replace(/\n$/, "").length).toBeLessThan(120);
    }
    expect(frames.at(-1)).toMatch(/100% .*\n$/);
  });

  it("--verify exits 0 on read models built incrementally, and names a table altered by hand", async () => {
    const db = tmp.path("scenario.db");
    const head = await scenario(db);
    const ok = await cli(["projections", "rebuild", "--db", db, "--verify"]);
    expect(ok.stderr).not.toContain("error");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`verify at position ${head}: incremental read model vs rebuild`);
    for (const p of allProjections) {
      for (const table of p.tables) expect(ok.stdout).toMatch(new RegExp(`^  ${p.name}\\s+${table}\\s+match\\s`, "m"));
    }
    expect(ok.stdout).not.toContain("MISMATCH");

    sql(db, (d) => d.prepare("UPDATE workers SET status = 'x' WHERE rowid = (SELECT min(rowid) FROM workers)").run());
    const bad = await cli(["projections", "rebuild", "--db", db, "--verify"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^ {2}workers\s+workers\s+MISMATCH\s/m);
    expect(bad.stdout.match(/MISMATCH/g)).toHaveLength(1);
    expect(bad.stderr).toContain(
      `error: verify failed: table workers differs from a rebuild at position ${head} (the rebuilt tables have replaced them) [verify_mismatch]`,
    );
    // The rebuild replaced the altered table: verifying again passes.
    expect(sql(db, (d) => d.prepare("SELECT count(*) FROM workers WHERE status = 'x'").pluck().get())).toBe(0);
    expect((await cli(["projections", "rebuild", "--db", db, "workers", "--verify"])).code).toBe(0);
  });

  it("--verify catches the named projections up to the rebuild's position first, and skips those never built", async () => {
    const db = tmp.path("scenario.db");
    const head = await scenario(db, 2);
    await logOnlyAppend(db);
    const run = await cli(["projections", "rebuild", "--db", db, "workers", "--verify"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^catch up workers: /m);
    expect(run.stdout).toContain(`verify at position ${head + 1n}`);

    const fresh = tmp.path("fresh.db");
    await seed(fresh);
    const skipped = await cli(["projections", "rebuild", "--db", fresh, "--verify"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain("verify: skipping workers: never built here; nothing to compare");
  });

  it("--to rebuilds only up to a position, and the named projections only", async () => {
    const db = tmp.path("scenario.db");
    const head = await scenario(db);
    const run = await cli(["projections", "rebuild", "--db", db, "workers", "--to", "10"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("rebuilt workers up to position 10: 10 events");
    const after = await status(db);
    expect(after.projections.find((p) => p.name === "workers")).toMatchObject({
      checkpoint: 10,
      lag: Number(head) - 10,
      state: "behind",
    });
    for (const p of after.projections.filter((p) => p.name !== "workers")) expect(p.checkpoint).toBe(Number(head));

    // Verifying at a position before a checkpoint is impossible, and said so.
    const refused = await cli(["projections", "rebuild", "--db", db, "--to", "10", "--verify"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cannot verify at position 10: ${names[1]} is already at ${head}`);

    const past = await cli(["projections", "rebuild", "--db", db, "workers", "--to", String(head + 100n)]);
    expect(past.code).toBe(0);
    expect(past.stderr).toContain(`--to ${head + 100n} is past the head (${head}): rebuilding up to ${head}`);
    expect((await status(db)).projections[0]?.checkpoint).toBe(Number(head));
  });

  it("refuses unknown projection names, listing the known ones, before touching the log", async () => {
    const db = tmp.path("log.db");
    await seed(db);
    const run = await cli(["projections", "rebuild", "--db", db, "workers", "nope", "gone"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: unknown projections nope, gone (known: ${names.join(", ")}) [unknown_projection]\n`,
    );
    expect(sql(db, (d) => d.prepare("SELECT name FROM sqlite_master WHERE name = 'workers'").get())).toBeUndefined();
    const badTo = await cli(["projections", "rebuild", "--db", db, "--to", "0"]);
    expect(badTo.code).not.toBe(0);
    expect(badTo.stderr).toContain("--to");
  });

  it("stops at a batch boundary on Ctrl-C, exit 130, and the next rebuild starts over", async () => {
    const db = tmp.path("log.db");
    const head = await logOnly(db, 3000);
    const controller = new AbortController();
    const stderr = new (class extends Capture {
      override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        controller.abort();
        super._write(chunk, encoding, callback);
      }
    })();
    const code = await runCli(["projections", "rebuild", "--db", db, "--batch-size", "100"], {
      stdout: new Capture(),
      stderr,
      signal: controller.signal,
    });
    expect(code).toBe(130);
    expect(stderr.text).toMatch(/interrupted: rebuild stopped at position [0-9]+; the projections continue from there/);
    const checkpoint = (await status(db)).projections[0]?.checkpoint ?? 0;
    expect(checkpoint).toBeGreaterThan(0);
    expect(checkpoint).toBeLessThan(Number(head));
    expect(checkpoint % 100).toBe(0);

    const again = await cli(["projections", "rebuild", "--db", db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`up to position ${head}: ${head} events`);
    expect((await status(db)).projections[0]?.checkpoint).toBe(Number(head));
  });
});

describe("colony projections --help", () => {
  it.each([
    [["projections"], "colony projections status --db"],
    [["projections", "status"], "colony projections status --db"],
    [["projections", "rebuild"], "colony projections rebuild --db"],
  ])("colony %j --help exits 0 with an example", async (verb, example) => {
    const run = await cli([...verb, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Example:");
    expect(run.stdout).toContain(example);
  });

  it("rebuild --help says what --verify compares", async () => {
    const run = await cli(["projections", "rebuild", "--help"]);
    expect(run.stdout).toContain("--verify, for each named projection already built by this version");
  });
});

async function logOnlyAppend(file: string): Promise<void> {
  const store = SqliteEventStore.open(file);
  try {
    await store.append("worker-extra", [{ type: "WorkerQueued", data: { reason: "cap" } }], { expectedVersion: "any" });
  } finally {
    await store.close();
  }
}
