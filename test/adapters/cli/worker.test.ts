import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { cli, collect, headOf, repoRoot, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const EXAMPLE_TASKS = join(repoRoot, "examples", "tasks.json");
const SLOW_STEPS = join(import.meta.dirname, "handlers", "slow-steps.mjs");
/** Small intervals keep an idle --until-empty pool from sleeping long between looks. */
const QUICK = ["--poll-interval", "5", "--reclaim-interval", "50"];

function file(name: string, content: unknown): string {
  const path = tmp.path(name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

async function seeded(tasks: unknown, colony = "words"): Promise<string> {
  const db = tmp.path("colony.db");
  const run = await cli(["tasks", "seed", "--db", db, "--colony", colony, file("tasks.json", tasks)]);
  expect(run.stderr).toBe("");
  return db;
}

interface ListedTask {
  id: string;
  goal: string;
  status: string;
  lastError: string | null;
  steps: { seq: number; status: string; evidence: string | null }[];
  sopItems: { key: string; doneBy: string | null; note: string | null }[];
}

async function listed(db: string, colony = "words"): Promise<ListedTask[]> {
  const run = await cli(["tasks", "list", "--db", db, "--colony", colony, "--json"]);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { tasks: ListedTask[] }).tasks;
}

async function results(db: string): Promise<Map<string, unknown>> {
  const store = SqliteEventStore.open(db);
  try {
    const completed = (await collect(store.readAll())).filter((e) => e.type === "TaskCompleted");
    return new Map(completed.map((e) => [e.streamId.slice("task-".length), (e.data as { result: unknown }).result]));
  } finally {
    await store.close();
  }
}

const STEPS = [{ title: "count words" }, { title: "top words" }, { title: "checksum" }];
const SOP = [
  { key: "has_words", description: "words" },
  { key: "counts_add_up", description: "sums" },
];

describe("colony worker", () => {
  it("drains the example seed file with the bundled handler: every task done, its steps and SOP items recorded", async () => {
    const db = tmp.path("colony.db");
    await cli(["tasks", "seed", "--db", db, "--colony", "word_counts", EXAMPLE_TASKS]);
    const run = await cli([
      "worker",
      "--db",
      db,
      "--colony",
      "word_counts",
      "--concurrency",
      "3",
      "--until-empty",
      ...QUICK,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^pool pool\d+: 3 slots on colony word_counts \(handler bundled examples\/word-count-handler\.mjs\)$/,
    );
    expect(lines.filter((l) => l.startsWith("done "))).toHaveLength(6);
    expect(lines.at(-1)).toMatch(/^pool pool\d+ finished, queue empty: 6 done, 0 failed, 0 released, 0 lost$/);

    const tasks = await listed(db, "word_counts");
    expect(tasks.map((t) => t.status)).toEqual(Array(6).fill("done"));
    for (const task of tasks) {
      expect(task.steps.map((s) => s.status)).toEqual(["done", "done", "done"]);
      expect(task.sopItems.every((i) => i.doneBy !== null)).toBe(true);
    }
    const gettysburg = tasks.find((t) => t.goal.includes("Gettysburg"));
    expect(gettysburg?.sopItems.find((i) => i.key === "checksum_matches")?.note).toBe("sha256 matches");
  });

  it("the bundled handler counts words, ranks them without stop words and checksums the text", async () => {
    const text = "The cat and the hat; the cat sat.";
    const db = await seeded([
      { id: "cats", goal: "count cats", payload: { text, top: 2 }, steps: STEPS, sop_items: SOP },
      { id: "bad_text", goal: "no text", payload: { words: 3 } },
      { id: "bad_step", goal: "unknown step", payload: { text }, steps: [{ title: "translate" }] },
      { id: "bad_sop", goal: "unknown check", payload: { text }, sop_items: [{ key: "rhymes", description: "x" }] },
      {
        id: "bad_sum",
        goal: "wrong checksum",
        payload: { text, sha256: "00" },
        sop_items: [{ key: "checksum_matches", description: "x" }],
      },
    ]);
    const run = await cli(["worker", "--db", db, "--colony", "words", "--until-empty", ...QUICK]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1 done, 4 failed/);

    const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
    const byId = new Map((await listed(db)).map((t) => [t.id, t]));
    expect(byId.get("cats")?.steps.map((s) => s.evidence)).toEqual([
      "8 words, 5 distinct, 33 characters",
      "cat 2, hat 1",
      `sha256 ${sha256}`,
    ]);
    expect(byId.get("cats")?.sopItems.map((i) => i.note)).toEqual(["8 words", "5 counts sum to 8"]);
    expect((await results(db)).get("cats")).toEqual({
      summary: "8 words, 5 distinct; top: cat, hat",
      data: {
        words: 8,
        distinct: 5,
        characters: 33,
        top: [
          { word: "cat", count: 2 },
          { word: "hat", count: 1 },
        ],
        sha256,
      },
    });
    expect(byId.get("bad_text")?.lastError).toBe('payload.text: expected a string, got {"words":3}');
    expect(byId.get("bad_step")?.lastError).toBe(
      'step 1 "translate": no such action (known: count words, top words, checksum)',
    );
    expect(byId.get("bad_sop")?.lastError).toMatch(/^SOP item rhymes: this handler has no check for it/);
    expect(byId.get("bad_sum")?.lastError).toBe(`SOP item checksum_matches: sha256 is ${sha256}, not 00`);
  });

  it("runs a handler module given by path, relative to the working directory", async () => {
    const db = await seeded([{ goal: "slow", payload: { ms: 1 }, steps: [{ title: "a" }] }]);
    const run = await cli([
      "worker",
      "--db",
      db,
      "--colony",
      "words",
      "--handler",
      "test/adapters/cli/handlers/slow-steps.mjs",
      "--until-empty",
      ...QUICK,
    ]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/\(handler test\/adapters\/cli\/handlers\/slow-steps\.mjs\)/);
    expect(run.stdout).toMatch(/^done +\S+ by pool\d+_1: 1 steps of 1 ms$/m);
  });

  describe("refuses before claiming anything, appending no event", () => {
    let db: string;
    let head: bigint;
    beforeEach(async () => {
      db = await seeded([{ goal: "a" }, { goal: "b" }]);
      head = await headOf(db);
    });
    afterEach(async () => {
      expect(await headOf(db)).toBe(head);
      expect((await listed(db)).map((t) => t.status)).toEqual(["pending", "pending"]);
    });

    it.each([
      [["--concurrency", "0"], "option '--concurrency <n>' argument '0' is invalid. expected a whole number of slots"],
      [["--concurrency", "two"], "expected a whole number of slots from 1 to 256"],
      [["--stale-after", "0"], "option '--stale-after <ms>' argument '0' is invalid"],
      [["--reclaim-interval", "-5"], "expected a whole number of milliseconds"],
      [["--poll-interval", "1.5"], "expected a whole number of milliseconds"],
    ])("bad flag %j", async (flags, message) => {
      const run = await cli(["worker", "--db", db, "--colony", "words", "--until-empty", ...flags]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe("");
    });

    it("a handler file that does not exist", async () => {
      const missing = tmp.path("nope.mjs");
      const run = await cli(["worker", "--db", db, "--colony", "words", "--handler", missing, "--until-empty"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: --handler ${missing}: no such file (${missing}) [handler_not_found]\n`);
      expect(run.stdout).toBe("");
    });

    it.each([
      [
        "export const handler = () => ({});\n",
        "its default export is missing; expected a function (task, tools) => report",
      ],
      ["export default 42;\n", "its default export is a number; expected a function"],
      ["export default function (task {\n", "cannot load it as an ES module"],
      ['throw new Error("no config");\n', "cannot load it as an ES module: no config"],
    ])("a module %j", async (source, message) => {
      const module = file("handler.mjs", source);
      const run = await cli(["worker", "--db", db, "--colony", "words", "--handler", module, "--until-empty"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`error: --handler ${module}: ${message}`);
      expect(run.stderr).toMatch(/\[invalid_handler\]\n$/);
    });

    it("an unknown colony, and a colony name that cannot be one", async () => {
      const unknown = await cli(["worker", "--db", db, "--colony", "other", "--handler", SLOW_STEPS, "--until-empty"]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe(`error: no colony named other in ${db} [colony_not_found]\n`);
      const bad = await cli(["worker", "--db", db, "--colony", "Other Colony"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("expected a colony name");
    });
  });

  it("refuses a log that does not exist without creating it", async () => {
    const db = tmp.path("missing.db");
    const run = await cli(["worker", "--db", db, "--colony", "words", "--until-empty"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: no log at ${db} [no_log]\n`);
    expect(existsSync(db)).toBe(false);
  });

  it("--help explains the handler contract and shows an example", async () => {
    const run = await cli(["worker", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--until-empty");
    expect(run.stdout).toContain("startStep(seq), completeStep(seq, evidence), checkSop(key, note?), signal");
    expect(run.stdout).toContain("Example:\n  colony tasks seed");
    expect(run.stdout).toContain("colony worker --db .colony/colony.db --colony word_counts");
  });
});
