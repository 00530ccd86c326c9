import { existsSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import { ledgerProjection } from "../../../src/projections/ledger/ledger-projection.js";
import { TaskLedger } from "../../../src/runtime/ledger/task-ledger.js";
import { cli, headOf, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

function file(name: string, content: unknown): string {
  const path = tmp.path(name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const TASKS = [
  {
    goal: "Write the README",
    priority: 2,
    steps: [{ title: "Draft" }, { title: "Polish", detail: "read it aloud" }],
    sop_items: [
      { key: "links", description: "links resolve" },
      { key: "typos", description: "spell-checked", required: false },
    ],
  },
  { goal: "Changelog", payload: { since: "v0.1" }, max_retries: 1 },
  { goal: "Release notes", priority: 1 },
];

interface ListedTask {
  id: string;
  goal: string;
  status: string;
  workerId: string | null;
  retryCount: number;
  maxRetries: number;
  payload: string | null;
  steps: { seq: number; title: string; status: string; evidence: string | null }[];
  sopItems: { key: string; required: boolean; doneBy: string | null; note: string | null }[];
}

async function listJson(
  db: string,
  colony: string,
): Promise<{ colony: { id: string; name: string }; tasks: ListedTask[] }> {
  const run = await cli(["tasks", "list", "--db", db, "--colony", colony, "--json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

describe("colony tasks seed / list", () => {
  it("seeds a new colony from a snake_case file, then lists status, worker, retries, steps and SOP", async () => {
    const db = tmp.path("colony.db");
    const seeded = await cli(["tasks", "seed", "--db", db, "--colony", "docs_team", file("tasks.json", TASKS)]);
    expect(seeded.stderr).toBe("");
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toBe("created colony docs_team: seeded 3 tasks\n");

    let listed = await listJson(db, "docs_team");
    expect(listed.colony).toEqual({ id: "docs_team", name: "docs_team" });
    // Claim order: priority first.
    expect(listed.tasks.map((t) => [t.goal, t.status, t.maxRetries])).toEqual([
      ["Write the README", "pending", 3],
      ["Release notes", "pending", 3],
      ["Changelog", "pending", 1],
    ]);
    expect(listed.tasks[2]?.payload).toBe('{"since":"v0.1"}');

    // A worker makes progress through the ledger commands on the same file.
    const opened = await openColonyDatabase(db, { projections: [ledgerProjection], inline: [ledgerProjection.name] });
    try {
      const ledger = new TaskLedger(opened, { clock: systemClock, ids: new UuidV7Generator() });
      const claim = await ledger.claimNext("docs_team", "w1");
      if (!claim) throw new Error("nothing to claim");
      await ledger.startStep(claim, 1);
      await ledger.completeStep(claim, 1, "draft.md written");
      await ledger.checkSopItem(claim, "typos", "aspell clean");
      await ledger.fail(await ledger.claim(listed.tasks[2]?.id as string, "w2"), "upstream down");
    } finally {
      await opened.close();
    }

    listed = await listJson(db, "docs_team");
    const [readme, notes, changelog] = listed.tasks;
    expect(readme).toMatchObject({ status: "in_progress", workerId: "w1", retryCount: 0 });
    expect(readme?.steps.map((s) => [s.seq, s.title, s.status, s.evidence])).toEqual([
      [1, "Draft", "done", "draft.md written"],
      [2, "Polish", "pending", null],
    ]);
    expect(readme?.sopItems.map((i) => [i.key, i.required, i.doneBy, i.note])).toEqual([
      ["links", true, null, null],
      ["typos", false, "w1", "aspell clean"],
    ]);
    expect(notes).toMatchObject({ status: "pending", workerId: null });
    expect(changelog).toMatchObject({ status: "failed", workerId: "w2" });

    const table = await cli(["tasks", "list", "--db", db, "--colony", "docs_team"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("colony docs_team: 3 tasks (1 pending, 1 in_progress, 1 failed)");
    expect(lines[1]).toMatch(/^ID +STATUS +PRI +SEQ +WORKER +RETRIES +STEPS +SOP +GOAL$/);
    expect(lines[2]).toMatch(/in_progress +2 +0 +w1 +0\/3 +1\/2 +1\/2 open: links +Write the README$/);
    expect(lines[3]).toMatch(/pending +1 +2 +- +0\/3 +- +- +Release notes$/);
    expect(lines[4]).toMatch(/failed +0 +1 +w2 +0\/1 +- +- +Changelog \[error: upstream down\]$/);
  });

  it("adds to an existing colony behind its tasks, and prints ids with --json", async () => {
    const db = tmp.path("colony.db");
    await cli(["tasks", "seed", "--db", db, "--colony", "docs", file("a.json", [{ goal: "first" }])]);
    const run = await cli([
      "tasks",
      "seed",
      "--db",
      db,
      "--colony",
      "docs",
      "--json",
      file("b.json", [{ goal: "second" }]),
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { colonyId: string; created: boolean; taskIds: string[] };
    expect(result).toMatchObject({ colonyId: "docs", created: false });
    expect(result.taskIds).toHaveLength(1);
    const listed = await listJson(db, "docs");
    expect(listed.tasks.map((t) => t.goal)).toEqual(["first", "second"]);
    expect(listed.tasks[1]?.id).toBe(result.taskIds[0]);
  });

  it("refuses an invalid file naming the task and the field as written, and writes nothing", async () => {
    const db = tmp.path("colony.db");
    const tasks: unknown[] = [
      { goal: "a" },
      { goal: "b" },
      { goal: "c" },
      { goal: "d", sop_items: [{ key: "", description: "x" }] },
    ];
    const bad = file("bad.json", tasks);

    const fresh = await cli(["tasks", "seed", "--db", db, "--colony", "docs", bad]);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toBe("");
    expect(fresh.stderr).toMatch(
      /^error: .*bad\.json: task\[3\]\.sop_items\[0\]\.key: .*\(nothing was written\) \[invalid_task_seed\]\n$/,
    );
    expect(existsSync(db)).toBe(false);

    // On an existing log too: the valid tasks before the bad one are not written either.
    await cli(["tasks", "seed", "--db", db, "--colony", "docs", file("ok.json", [{ goal: "kept" }])]);
    const head = await headOf(db);
    const again = await cli(["tasks", "seed", "--db", db, "--colony", "docs", bad]);
    expect(again.code).toBe(1);
    expect(await headOf(db)).toBe(head);
    expect((await listJson(db, "docs")).tasks.map((t) => t.goal)).toEqual(["kept"]);
  });

  it("names every problem: unknown fields (camelCase included), bad values, not an array, not JSON", async () => {
    const db = tmp.path("colony.db");
    const many = await cli([
      "tasks",
      "seed",
      "--db",
      db,
      "--colony",
      "docs",
      file("many.json", [{ goal: "" }, { goal: "ok", maxRetries: 2 }, { goal: "ok", steps: [{}] }]),
    ]);
    expect(many.code).toBe(1);
    expect(many.stderr).toContain("task[0].goal: ");
    expect(many.stderr).toContain("task[1].maxRetries: unknown field (write max_retries)");
    expect(many.stderr).toContain("task[2].steps[0].title: ");

    for (const [content, message] of [
      ['{"goal": "a"}', "tasks: expected a JSON array of tasks"],
      ['[{"goal": "a"},', "not valid JSON"],
    ] as const) {
      const run = await cli(["tasks", "seed", "--db", db, "--colony", "docs", file("x.json", content)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
    }
    const missing = await cli(["tasks", "seed", "--db", db, "--colony", "docs", tmp.path("nope.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nope.json: no such file [invalid_task_file]");
    expect(existsSync(db)).toBe(false);
  });

  it("refuses bad colony names, unknown colonies and missing logs", async () => {
    const db = tmp.path("colony.db");
    const badName = await cli(["tasks", "seed", "--db", db, "--colony", "Docs Team", file("t.json", [{ goal: "a" }])]);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain("expected a colony name");

    const noLog = await cli(["tasks", "list", "--db", db, "--colony", "docs"]);
    expect(noLog.code).toBe(1);
    expect(noLog.stderr).toContain("no log at");
    expect(existsSync(db)).toBe(false);

    await cli(["tasks", "seed", "--db", db, "--colony", "docs", file("t.json", [{ goal: "a" }])]);
    const unknown = await cli(["tasks", "list", "--db", db, "--colony", "other"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no colony named other");
  });

  it.each([[["tasks"]], [["tasks", "seed"]], [["tasks", "list"]]])("%j --help shows an example", async (verb) => {
    const run = await cli([...verb, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Example:");
    expect(run.stdout).toContain("colony tasks");
  });
});
