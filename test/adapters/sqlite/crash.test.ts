import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import { type Child, killAllChildren, startChild } from "../../support/child-processes.js";

/**
 * Kill -9 a writer mid-stream, again and again, and check the file: SQLite in WAL mode with
 * synchronous=NORMAL loses nothing committed to a process crash (only power loss can cost the
 * last transactions), and a transaction is all or nothing, so every appendMany batch is either
 * wholly in the log or wholly absent.
 */

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, "children", "crash-appender.ts");

const BATCH_SIZE = 20;
const KILLS = 12;
const STREAMS = ["task-crash-a", "task-crash-b"] as const;

const tempDirs: string[] = [];

afterEach(killAllChildren);

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts a writer, resolved once its first batch has committed (it prints "running"). */
async function startWriter(file: string, run: number): Promise<Child> {
  const child = startChild(script, [file, String(run), String(BATCH_SIZE)]);
  while ((await child.nextLine()) !== "running") {}
  return child;
}

interface StepData {
  readonly stepSeq: number;
  readonly workerId: string;
  readonly evidence: string;
}

describe("SqliteEventStore after its writer is killed with SIGKILL", () => {
  it("keeps every appendMany batch whole or absent, the file intact, and the log appendable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "colonylog-crash-"));
    tempDirs.push(dir);
    const file = join(dir, "colony.db");

    for (let run = 0; run < KILLS; run++) {
      const child = await startWriter(file, run);
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 281)));
      await child.kill();
    }

    // The file as SQLite sees it, before our store touches it (opening runs WAL recovery).
    const raw = new Database(file);
    try {
      expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      raw.close();
    }

    const store = SqliteEventStore.open(file);
    try {
      const all: RecordedEvent[] = [];
      for await (const event of store.readAll()) all.push(event);

      // Positions strictly increasing; per stream, versions 0..n-1 without a hole.
      for (let i = 1; i < all.length; i++) {
        expect((all[i] as RecordedEvent).position).toBeGreaterThan((all[i - 1] as RecordedEvent).position);
      }
      for (const streamId of STREAMS) {
        const stream = all.filter((e) => e.streamId === streamId);
        expect(stream.map((e) => e.version)).toEqual(stream.map((_, i) => BigInt(i)));
        expect(await store.streamVersion(streamId)).toBe(BigInt(stream.length - 1));
      }

      // Group by batch: every batch present has all its events, on the right streams, next to
      // each other in the log (one transaction, one writer at a time).
      const batches = new Map<string, RecordedEvent[]>();
      for (const event of all) {
        expect(event.type).toBe("StepCompleted");
        const { workerId } = event.data as StepData;
        batches.set(workerId, [...(batches.get(workerId) ?? []), event]);
      }
      const half = BATCH_SIZE / 2;
      for (const [batch, events] of batches) {
        expect(
          events.map((e) => (e.data as StepData).stepSeq),
          `batch ${batch}`,
        ).toEqual(Array.from({ length: BATCH_SIZE }, (_, i) => i));
        expect(
          events.map((e) => e.streamId),
          `batch ${batch}`,
        ).toEqual([...Array<string>(half).fill("task-crash-a"), ...Array<string>(half).fill("task-crash-b")]);
        const first = (events[0] as RecordedEvent).position;
        expect(
          events.map((e) => e.position),
          `batch ${batch}`,
        ).toEqual(events.map((_, i) => first + BigInt(i)));
      }

      // Each writer committed batches 0, 1, 2, ... in order until it died: the batches of one
      // run are a prefix with no hole, and every run got at least its first batch in.
      const perRun: number[] = [];
      for (let run = 0; run < KILLS; run++) {
        const committed = [...batches.keys()]
          .filter((b) => b.startsWith(`r${run}.`))
          .map((b) => Number(b.slice(`r${run}.b`.length)));
        expect(committed, `run ${run}`).toEqual(committed.map((_, i) => i));
        expect(committed.length, `run ${run}`).toBeGreaterThan(0);
        perRun.push(committed.length);
      }
      expect(batches.size * BATCH_SIZE).toBe(all.length);
      console.log(`crash: ${KILLS} kills, ${batches.size} whole batches (${all.length} events); per run: ${perRun}`);

      // And the log takes more writes, with versions carrying on where they stopped.
      const before = await store.headPosition();
      const versionA = await store.streamVersion("task-crash-a");
      const versionB = await store.streamVersion("task-crash-b");
      const after = await store.appendMany([
        {
          streamId: "task-crash-a",
          events: [{ type: "StepCompleted", data: { stepSeq: 0, workerId: "after", evidence: "" } }],
          expectedVersion: versionA,
        },
        {
          streamId: "task-crash-b",
          events: [{ type: "StepCompleted", data: { stepSeq: 1, workerId: "after", evidence: "" } }],
          expectedVersion: versionB,
        },
      ]);
      expect(after.map((r) => r.events[0]?.position)).toEqual([before + 1n, before + 2n]);
      expect(after.map((r) => r.nextExpectedVersion)).toEqual([(versionA as bigint) + 1n, (versionB as bigint) + 1n]);
    } finally {
      await store.close();
    }

    const reopened = new Database(file);
    try {
      expect(reopened.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      reopened.close();
    }
  });
});
