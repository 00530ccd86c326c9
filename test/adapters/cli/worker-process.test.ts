import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { cli, collect, output, repoRoot, spawnColony, tempDir, until } from "./helpers.js";

/**
 * `colony worker` as a process: drained, killed outright and restarted, stopped with SIGTERM.
 * Progress is read from the log the children write, as `colony events --json` prints it.
 */

let tmp: ReturnType<typeof tempDir>;
const children: ReturnType<typeof spawnColony>[] = [];
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  tmp.remove();
});

const SLOW_STEPS = join(import.meta.dirname, "handlers", "slow-steps.mjs");
const STEPS = [{ title: "one" }, { title: "two" }, { title: "three" }];

interface Worker {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** The exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  kill(signal: NodeJS.Signals): void;
}

function worker(db: string, colony: string, flags: string[]): Worker {
  const child = spawnColony(["worker", "--db", db, "--colony", colony, ...flags]);
  children.push(child);
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals | null);
  return { ...output(child), exited, kill: (signal) => child.kill(signal) };
}

async function seed(colony: string, tasks: unknown[]): Promise<string> {
  const db = tmp.path("colony.db");
  const file = tmp.path("tasks.json");
  writeFileSync(file, JSON.stringify(tasks));
  const run = await cli(["tasks", "seed", "--db", db, "--colony", colony, file]);
  expect(run.stderr).toBe("");
  return db;
}

interface LoggedEvent {
  streamId: string;
  type: string;
  data: { stepSeq?: number; reason?: string; workerId?: string };
}

/** The log as `colony events --json` prints it. */
async function events(db: string): Promise<LoggedEvent[]> {
  const run = await cli(["events", "--db", db, "--json"]);
  expect(run.code).toBe(0);
  return run.stdout
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as LoggedEvent);
}

/** Each task stream's events, in log order. */
function byTask(log: readonly LoggedEvent[]): Map<string, LoggedEvent[]> {
  const tasks = new Map<string, LoggedEvent[]>();
  for (const e of log) if (e.streamId.startsWith("task-")) tasks.set(e.streamId, [...(tasks.get(e.streamId) ?? []), e]);
  return tasks;
}

/** Where each task stands, from its events: done, failed, held (claimed, maybe mid-step) or pending. */
function standing(history: readonly LoggedEvent[]): "done" | "failed" | "held" | "pending" {
  const last = [...history].reverse().find((e) => e.type !== "SopItemChecked")?.type;
  if (last === "TaskCompleted") return "done";
  if (last === "TaskFailed") return "failed";
  if (last === "TaskSeeded" || last === "TaskReleased") return "pending";
  return "held";
}

/** Where each task stands. */
function standings(log: readonly LoggedEvent[]): Map<string, ReturnType<typeof standing>> {
  return new Map([...byTask(log)].map(([id, history]) => [id, standing(history)]));
}

/** Reads the log straight from the file, while a child writes it, until `found` returns something. */
async function fromLog<T>(db: string, what: string, found: (log: LoggedEvent[]) => T | undefined): Promise<T> {
  const store = SqliteEventStore.open(db);
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const result = found((await collect(store.readAll())) as unknown as LoggedEvent[]);
      if (result !== undefined) return result;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await store.close();
  }
}

function count<T>(values: Iterable<T>, value: T): number {
  return [...values].filter((v) => v === value).length;
}

/** Every task done once: one TaskCompleted per stream, each step completed exactly once. */
function expectEachDoneOnce(log: readonly LoggedEvent[], tasks: number): void {
  const streams = byTask(log);
  expect(streams.size).toBe(tasks);
  for (const [streamId, history] of streams) {
    expect([
      streamId,
      count(
        history.map((e) => e.type),
        "TaskCompleted",
      ),
    ]).toEqual([streamId, 1]);
    expect(history.at(-1)?.type).toBe("TaskCompleted");
    const completedSteps = history.filter((e) => e.type === "StepCompleted").map((e) => e.data.stepSeq);
    expect([streamId, completedSteps.sort()]).toEqual([streamId, [1, 2, 3]]);
  }
}

describe("colony worker processes", () => {
  it("a pool with --until-empty drains a seeded file and exits 0", async () => {
    const db = tmp.path("colony.db");
    await cli(["tasks", "seed", "--db", db, "--colony", "word_counts", join(repoRoot, "examples", "tasks.json")]);
    const pool = worker(db, "word_counts", ["--concurrency", "3", "--until-empty", "--poll-interval", "20"]);
    expect(await pool.exited).toBe(0);
    expect(pool.stderr()).toBe("");
    expect(pool.stdout().trimEnd().split("\n").at(-1)).toMatch(/finished, queue empty: 6 done, 0 failed/);
    expectEachDoneOnce(await events(db), 6);
  });

  it("a pool killed with SIGKILL mid-run, restarted, finishes the rest: each task completed exactly once", async () => {
    const TASKS = 12;
    const db = await seed(
      "slow",
      Array.from({ length: TASKS }, (_, i) => ({ goal: `slow ${i}`, payload: { ms: 80 }, steps: STEPS })),
    );
    // Stale after 2 s: longer than any task here, so only the killed pool's claims go stale.
    const flags = [
      "--handler",
      SLOW_STEPS,
      "--concurrency",
      "3",
      "--stale-after",
      "2000",
      "--reclaim-interval",
      "100",
      "--poll-interval",
      "20",
    ];
    const first = worker(db, "slow", flags);
    await until(
      () =>
        first
          .stdout()
          .split("\n")
          .filter((l) => l.startsWith("done ")).length >= 3,
      "3 tasks done",
    );
    // Kill the moment the log shows a claim under way.
    await fromLog(db, "a task held mid-run", (log) => count(standings(log).values(), "held") > 0 || undefined);
    first.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const atKill = standings(await events(db));
    const orphans = [...atKill].filter(([, s]) => s === "held").map(([id]) => id);
    const doneBefore = count(atKill.values(), "done");
    expect(orphans.length).toBeGreaterThan(0);
    expect(doneBefore).toBeGreaterThanOrEqual(3);
    expect(doneBefore).toBeLessThan(TASKS);

    const second = worker(db, "slow", [...flags, "--until-empty"]);
    expect(await second.exited).toBe(0);
    const out = second.stdout();
    expect(second.stderr()).toBe("");
    expect(out).toMatch(/^stale claims: returned /m);
    expect(out.trimEnd().split("\n").at(-1)).toMatch(
      new RegExp(`finished, queue empty: ${TASKS - doneBefore} done, 0 failed, 0 released, 0 lost`),
    );

    const log = await events(db);
    expectEachDoneOnce(log, TASKS);
    const streams = byTask(log);
    for (const id of orphans) {
      const history = streams.get(id) ?? [];
      // The killed pool's claim went stale and came back; the restarted pool took it from there.
      expect(history.filter((e) => e.type === "TaskReleased").map((e) => e.data.reason)).toEqual(["stale"]);
      expect(
        count(
          history.map((e) => e.type),
          "TaskClaimed",
        ),
      ).toBe(2);
    }
  }, 60_000);

  it("a pool sent SIGTERM mid-step finishes the step, releases its tasks, exits 0; a restart repeats nothing", async () => {
    const TASKS = 4;
    const db = await seed(
      "slow",
      Array.from({ length: TASKS }, (_, i) => ({ goal: `slow ${i}`, payload: { ms: 300 }, steps: STEPS })),
    );
    const flags = ["--handler", SLOW_STEPS, "--concurrency", "2", "--poll-interval", "20"];
    const pool = worker(db, "slow", flags);

    // A step of some task under way (started, not completed, not the last): signal then.
    const midStep = await fromLog(db, "a step under way", (log) => {
      for (const [streamId, history] of byTask(log)) {
        const last = history.at(-1);
        if (last?.type === "StepStarted" && (last.data.stepSeq ?? 3) < 3)
          return { streamId, stepSeq: last.data.stepSeq };
      }
      return undefined;
    });
    pool.kill("SIGTERM");
    expect(await pool.exited).toBe(0);
    expect(pool.stderr()).toBe("");
    const summary = pool.stdout().trimEnd().split("\n").at(-1) ?? "";
    expect(summary).toMatch(/^pool pool\d+ stopped: \d+ done, 0 failed, [1-9]\d* released, 0 lost$/);
    const released = Number(/(\d+) released/.exec(summary)?.[1]);

    const stopped = byTask(await events(db));
    const mid = stopped.get(midStep.streamId) ?? [];
    // The step under way when the signal came was finished, the next never started, the task released.
    expect(mid.filter((e) => e.type === "StepCompleted").map((e) => e.data.stepSeq)).toContain(midStep.stepSeq);
    expect(mid.filter((e) => e.type === "StepStarted").map((e) => e.data.stepSeq)).not.toContain(
      (midStep.stepSeq ?? 0) + 1,
    );
    expect(mid.at(-1)?.type).toBe("TaskReleased");
    const releases = [...stopped.values()].flat().filter((e) => e.type === "TaskReleased");
    expect(releases).toHaveLength(released);
    expect(releases.every((e) => e.data.reason === "worker_stopped")).toBe(true);
    for (const history of stopped.values()) {
      const started = history.filter((e) => e.type === "StepStarted").map((e) => e.data.stepSeq);
      const completed = history.filter((e) => e.type === "StepCompleted").map((e) => e.data.stepSeq);
      // Nothing was left half done: every step started was completed before the task was let go.
      expect(new Set(started)).toEqual(new Set(completed));
    }

    const restarted = worker(db, "slow", [...flags, "--until-empty"]);
    expect(await restarted.exited).toBe(0);
    expect(restarted.stdout()).toMatch(/finished, queue empty: \d+ done, 0 failed, 0 released, 0 lost/);
    expectEachDoneOnce(await events(db), TASKS);
  }, 60_000);
});
