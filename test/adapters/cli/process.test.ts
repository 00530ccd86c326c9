import { once } from "node:events";
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toEventJson } from "../../../src/adapters/cli/event-json.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { appendTo, output, seed, spawnColony, tempDir, until } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

async function exitCode(child: ReturnType<typeof spawnColony>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

describe("the colony process", () => {
  it("prints events as JSON lines", async () => {
    const db = tmp.path("log.db");
    const stored = await seed(db);
    const child = spawnColony(["events", "--db", db, "--json"]);
    const out = output(child);
    expect(await exitCode(child)).toBe(0);
    const printed = out
      .stdout()
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(printed).toEqual(stored.map(toEventJson));
    expect(out.stderr()).toBe("");
  });

  it("follows the log until SIGTERM, then exits 0", async () => {
    const db = tmp.path("log.db");
    await seed(db);
    const child = spawnColony(["events", "--db", db, "--json", "--follow"]);
    const out = output(child);
    try {
      await until(() => out.stdout().split("\n").length > 6, "the existing events");
      const appended = await appendTo(db, "worker-w1", "WorkerStopped", { reason: "evening" });
      await until(() => out.stdout().includes("WorkerStopped"), "the appended event");
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
      const last = out.stdout().trimEnd().split("\n").pop() as string;
      expect(JSON.parse(last)).toEqual(toEventJson(appended));
      expect(out.stderr()).toBe("");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("stops quietly when the reader of its output goes away", async () => {
    const db = tmp.path("big.db");
    const store = SqliteEventStore.open(db);
    await store.appendMany(
      Array.from({ length: 20 }, (_, s) => ({
        streamId: `worker-s${s}`,
        expectedVersion: "no_stream" as const,
        events: Array.from({ length: 100 }, (_, i) => ({ type: "WorkerQueued", data: { reason: `waiting ${i}` } })),
      })),
    );
    await store.close();
    const child = spawnColony(["export", "--db", db]);
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    await once(child.stdout as NodeJS.ReadableStream, "data");
    child.stdout?.destroy();
    expect(await exitCode(child)).toBe(0);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a missing log without creating it, and without a stack trace", async () => {
    const missing = tmp.path("missing.db");
    const child = spawnColony(["export", "--db", missing]);
    const out = output(child);
    expect(await exitCode(child)).toBe(1);
    expect(out.stderr()).toBe(`error: no log at ${missing} [no_log]\n`);
    expect(existsSync(missing)).toBe(false);
  });
});
