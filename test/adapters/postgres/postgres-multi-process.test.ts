import { join } from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import { PostgresEventStore } from "../../../src/adapters/postgres/postgres-event-store.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import { killAllChildren, repoRoot, startChild } from "../../support/child-processes.js";
import { describePostgres, freshPostgresDatabase, type PostgresDatabase } from "../../support/postgres.js";
import { sample } from "../../support/sample-events.js";
import { until } from "./held-append.js";

/** Several OS processes appending to one PostgreSQL log, with a subscriber following them live. */

const child = join(repoRoot, "test/adapters/postgres/children/append-contended.ts");
const databases: PostgresDatabase[] = [];
afterEach(killAllChildren);
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

interface Report {
  readonly workerId: string;
  readonly conflicts: readonly { streamId: string; expected: string; actual: string }[];
  readonly written: readonly { eventId: string; streamId: string; version: string; position: string }[];
}

describePostgres("PostgreSQL log shared by several processes", () => {
  it("keeps every stream's versions dense under four processes' expected-version appends, none lost or doubled", async () => {
    const database = await freshPostgresDatabase();
    databases.push(database);
    const workers = 4;
    const perWorker = 45;
    const streams = ["task-s0", "task-s1", "task-s2"];

    // Every child opens (and migrates) the new database at the same moment.
    const children = Array.from({ length: workers }, (_, i) =>
      startChild(child, [database.url, `w${i}`, String(perWorker), ...streams]),
    );
    for (const c of children) expect(await c.nextLine()).toBe("ready");

    const store = await PostgresEventStore.open(database.url, { pollIntervalMs: 50 });
    const received: RecordedEvent[] = [];
    let failure: unknown;
    const subscription = store.subscribe().subscribe({
      next: (e) => received.push(e),
      error: (error: unknown) => {
        failure = error;
      },
    });
    try {
      for (const c of children) c.process.stdin.write("go\n");
      const reports = await Promise.all(
        children.map(async (c) => {
          const line = await c.nextLine();
          await c.exited;
          return JSON.parse(line) as Report;
        }),
      );
      const conflicts = reports.flatMap((r) => r.conflicts);
      console.log(
        `postgres multi-process: ${workers}x${perWorker} appends over ${streams.length} streams, version conflicts retried: ${conflicts.length}`,
      );

      // Every conflict was a VersionConflictError (anything else ends the child) whose actual
      // version is past what the child expected: another process had appended.
      expect(conflicts.length).toBeGreaterThan(0);
      for (const c of conflicts) {
        expect(c.actual).not.toBe("no_stream");
        if (c.expected !== "no_stream") expect(BigInt(c.actual)).toBeGreaterThan(BigInt(c.expected));
      }

      const all: RecordedEvent[] = [];
      for await (const e of store.readAll()) all.push(e);
      const reported = reports.flatMap((r) => r.written);
      expect(reported).toHaveLength(workers * perWorker);
      expect(all.map((e) => e.metadata.eventId).sort()).toEqual(reported.map((w) => w.eventId).sort());
      expect(new Set(all.map((e) => e.position)).size).toBe(all.length);

      for (const streamId of streams) {
        const stream: RecordedEvent[] = [];
        for await (const e of store.readStream(streamId)) stream.push(e);
        expect(stream.map((e) => e.version)).toEqual(stream.map((_, i) => BigInt(i)));
        expect(stream).toEqual(all.filter((e) => e.streamId === streamId));
      }
      // What each child was told is what is stored, and each child's events keep its order.
      const byId = new Map(all.map((e) => [e.metadata.eventId, e]));
      for (const report of reports) {
        report.written.forEach((w, stepSeq) => {
          const stored = byId.get(w.eventId);
          expect([stored?.streamId, stored?.version, stored?.position]).toEqual([
            w.streamId,
            BigInt(w.version),
            BigInt(w.position),
          ]);
          expect(stored?.data).toEqual({ stepSeq, workerId: report.workerId });
        });
      }

      // The live subscriber got all of it in log order, each once: one more append marks the end.
      const last = await store.append("task-end", [sample("TaskSeeded")], { expectedVersion: "no_stream" });
      await until(
        () => received.some((e) => e.metadata.eventId === last.events[0]?.metadata.eventId) || failure !== undefined,
        () => `the subscriber receiving everything (${received.length} of ${all.length + 1})`,
      );
      expect(failure).toBeUndefined();
      expect(received.map((e) => e.position)).toEqual([...all, ...last.events].map((e) => e.position));
      expect(received).toEqual([...all, ...last.events]);
    } finally {
      subscription.unsubscribe();
      await store.close();
    }
  });
});
