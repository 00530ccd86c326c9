import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { PostgresEventStore } from "../../../src/adapters/postgres/postgres-event-store.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { cli, collect, output, spawnColony, tempDir, until } from "../cli/helpers.js";

/**
 * Issue 8's scenario, as users would run it: one `colony serve` and three `colony worker`
 * processes on one PostgreSQL database drain 1,000 tasks exactly once, while one worker is
 * killed outright in the middle of a task and its claims are reclaimed and finished by the others.
 */

const TASKS = 1_000;
const COLONY = "scale_out";
const PAUSE = join(import.meta.dirname, "..", "cli", "handlers", "pause.mjs");

let database: PostgresDatabase | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
const children: ReturnType<typeof spawnColony>[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  tmp?.remove();
  await database?.drop();
});

function start(args: string[]) {
  const child = spawnColony(args);
  children.push(child);
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals | null);
  return { child, exited, ...output(child) };
}

/** Polls `found` until it returns something. */
async function eventually<T>(found: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const result = await found();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface TaskData {
  readonly workerId?: string;
}

describePostgres("scale-out on PostgreSQL: colony serve and three colony worker processes", () => {
  it("drain 1,000 tasks exactly once; a worker killed mid-task has its claims reclaimed and finished by the others", async () => {
    database = await freshPostgresDatabase();
    tmp = tempDir();
    const url = database.url;
    const file = tmp.path("tasks.json");
    // Each held for 10 ms: a worker spends much of its time holding claims.
    const tasks = Array.from({ length: TASKS }, (_, i) => ({ goal: `task ${i}`, payload: { ms: 10 } }));
    writeFileSync(file, JSON.stringify(tasks));
    const seeded = await cli(["tasks", "seed", "--db", url, "--colony", COLONY, file]);
    expect(seeded.stderr).toBe("");

    const serve = start(["serve", "--db", url, "--port", "0"]);
    await until(() => /listening on (http:\S+)/.test(serve.stdout()), "colony serve to listen", 60_000);
    const base = /listening on (http:\S+)/.exec(serve.stdout())?.[1] as string;

    const pools = [0, 1, 2].map(() =>
      start([
        "worker",
        ...["--db", url, "--colony", COLONY, "--concurrency", "3", "--handler", PAUSE],
        ...["--until-empty", "--stale-after", "1500", "--reclaim-interval", "300", "--poll-interval", "50"],
      ]),
    );
    const [victim, ...survivors] = pools as [(typeof pools)[0], ...typeof pools];
    const victimPrefix = `pool${victim.child.pid}_`;

    const store = await PostgresEventStore.open(url);
    try {
      const log = async () => (await collect(store.readAll())) as RecordedEvent<string, TaskData>[];
      // Killed once some tasks are done and it holds claims it has not finished.
      const held = async () => {
        const events = await log();
        const done = events.filter((e) => e.type === "TaskCompleted").length;
        const holder = new Map<string, RecordedEvent<string, TaskData>>();
        for (const e of events) {
          if (e.type === "TaskClaimed") holder.set(e.streamId, e);
          if (e.type === "TaskCompleted" || e.type === "TaskReleased") holder.delete(e.streamId);
        }
        const victimHolds = [...holder.values()].filter((e) => String(e.data.workerId).startsWith(victimPrefix));
        return done >= 100 && victimHolds.length > 0 ? victimHolds : undefined;
      };
      await eventually(held, "the victim to hold a claim");
      victim.child.kill("SIGKILL");
      expect(await victim.exited).toBe("SIGKILL");

      // The survivors exit 0 once every task is done: the victim's claims went stale and came back.
      for (const survivor of survivors) expect(await survivor.exited).toBe(0);
      for (const survivor of survivors) expect(survivor.stderr()).toBe("");

      // colony serve read the others' work from the shared read models.
      const colonies = (await (await fetch(`${base}/api/colonies`)).json()) as {
        colonies: { colony_id: string; task_counts: Record<string, number> }[];
      };
      expect(colonies.colonies.map((c) => c.task_counts)).toEqual([
        { pending: 0, claimed: 0, in_progress: 0, done: TASKS, failed: 0 },
      ]);

      const events = await log();
      const byTask = new Map<string, RecordedEvent<string, TaskData>[]>();
      for (const e of events) {
        if (e.streamId.startsWith("task-")) byTask.set(e.streamId, [...(byTask.get(e.streamId) ?? []), e]);
      }
      expect(byTask.size).toBe(TASKS);
      for (const [streamId, history] of byTask) {
        expect([streamId, history.filter((e) => e.type === "TaskCompleted").length]).toEqual([streamId, 1]);
        expect(history.at(-1)?.type).toBe("TaskCompleted");
      }
      // The claims the victim died holding: claimed by it, never completed, released as stale.
      const diedHolding = [...byTask.values()].filter((history) =>
        history.some(
          (e, i) =>
            e.type === "TaskClaimed" &&
            String(e.data.workerId).startsWith(victimPrefix) &&
            history[i + 1]?.type === "TaskReleased",
        ),
      );
      expect(diedHolding.length).toBeGreaterThan(0);
      expect(diedHolding.length).toBeLessThanOrEqual(3);
      for (const history of diedHolding) {
        const completed = history.find((e) => e.type === "TaskCompleted");
        const lastClaim = history.filter((e) => e.type === "TaskClaimed").at(-1);
        expect(String(lastClaim?.data.workerId)).not.toMatch(new RegExp(`^${victimPrefix}`));
        expect(completed?.position).toBeGreaterThan(lastClaim?.position ?? 0n);
      }
    } finally {
      await store.close();
      serve.child.kill("SIGTERM");
      await serve.exited;
    }
  }, 240_000);
});
