import { describe, expect, it, vi } from "vitest";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { VersionConflictError } from "../../../src/domain/errors.js";
import { NextTaskClaimer } from "../../../src/runtime/ledger/claim-next.js";
import { GroupCommitStore } from "../../../src/runtime/ledger/group-commit.js";
import { ledgers } from "./ledger-fixture.js";

const open = ledgers();

describe("claimNext when the ledger lags the log", () => {
  it("moves past tasks another writer claimed without folding the ledger, and ends with null", async () => {
    const { db, ledger } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [
      { goal: "a", priority: 3 },
      { goal: "b", priority: 2 },
      { goal: "c", priority: 1 },
    ]);
    // A writer on the same file that does not fold the ledger: the ledger still shows a and b pending.
    const other = SqliteEventStore.open(db.file);
    try {
      for (const id of taskIds.slice(0, 2)) {
        await other.append(`task-${id}`, [{ type: "TaskClaimed", data: { workerId: "elsewhere", claimToken: "t" } }], {
          expectedVersion: 0n,
        });
      }
    } finally {
      await other.close();
    }
    expect((await ledger.tasks("c1")).map((t) => t.status)).toEqual(["pending", "pending", "pending"]);

    const claimed = await ledger.claimNext("c1", "w1");
    expect(claimed?.goal).toBe("c");
    // The claim's append folded what the ledger had missed, so it is current again.
    expect((await ledger.tasks("c1")).map((t) => [t.status, t.workerId])).toEqual([
      ["claimed", "elsewhere"],
      ["claimed", "elsewhere"],
      ["claimed", "w1"],
    ]);
    expect(await ledger.claimNext("c1", "w2")).toBeNull();
  });

  it("returns null rather than spinning when every pending row in the ledger was taken elsewhere", async () => {
    const { db, ledger } = await open();
    const { taskIds } = await ledger.createColony({ colonyId: "c1", name: "c1" }, [{ goal: "a" }, { goal: "b" }]);
    const other = SqliteEventStore.open(db.file);
    try {
      for (const id of taskIds) {
        await other.append(`task-${id}`, [{ type: "TaskClaimed", data: { workerId: "elsewhere", claimToken: "t" } }], {
          expectedVersion: 0n,
        });
      }
    } finally {
      await other.close();
    }
    expect(await ledger.claimNext("c1", "w1")).toBeNull();
  });
});

describe("GroupCommitStore", () => {
  it("commits concurrent appends in one transaction, and gives a lost race its own conflict", async () => {
    const { db } = await open();
    const store = new GroupCommitStore(db.events);
    const event = (n: number) => ({ type: "TimersPaused", data: { reason: `r${n}` } });
    await db.events.append("colony-x", [event(0)], { expectedVersion: "no_stream" });

    const outcomes = await Promise.allSettled([
      store.append("colony-a", [event(1)], { expectedVersion: "no_stream" }),
      store.append("colony-x", [event(2)], { expectedVersion: 0n }),
      // Same stream, same expected version: only one of these two can be first.
      store.append("colony-x", [event(3)], { expectedVersion: 0n }),
      store.append("colony-b", [event(4)], { expectedVersion: "no_stream" }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const rejected = outcomes[2] as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(VersionConflictError);
    expect(rejected.reason).toMatchObject({ streamId: "colony-x", actual: 1n });
    const stored = [];
    for await (const e of db.events.readAll()) stored.push([e.streamId, (e.data as { reason: string }).reason]);
    expect(stored).toEqual([
      ["colony-x", "r0"],
      ["colony-a", "r1"],
      ["colony-x", "r2"],
      ["colony-b", "r4"],
    ]);
  });

  it("commits a group as one transaction when nothing conflicts", async () => {
    const { db } = await open();
    const store = new GroupCommitStore(db.events);
    const appendMany = vi.spyOn(db.events, "appendMany");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.append(`colony-s${i}`, [{ type: "TimersPaused", data: { reason: "r" } }], {
          expectedVersion: "no_stream",
        }),
      ),
    );
    // One appendMany (one transaction), consecutive positions in call order.
    expect(appendMany).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.events[0]?.position)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)));
  });
});

describe("GroupCommitStore failures", () => {
  it("gives every caller of a group the store's own failure, without retrying each alone", async () => {
    const { db } = await open();
    const store = new GroupCommitStore(db.events);
    const appendMany = vi
      .spyOn(db.events, "appendMany")
      .mockRejectedValueOnce(new Error("SQLITE_BUSY: database is locked"));
    const outcomes = await Promise.allSettled(
      ["colony-a", "colony-b"].map((streamId) =>
        store.append(streamId, [{ type: "TimersPaused", data: { reason: "r" } }], { expectedVersion: "no_stream" }),
      ),
    );
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason?.message)).toEqual([
      "SQLITE_BUSY: database is locked",
      "SQLITE_BUSY: database is locked",
    ]);
    expect(appendMany).toHaveBeenCalledTimes(1);
    expect(await db.events.headPosition()).toBe(0n);
  });
});

describe("NextTaskClaimer", () => {
  const rows = Array.from({ length: 20 }, (_, i) => ({
    id: `t${i}`,
    colony_id: "c1",
    goal: `task ${i}`,
    payload: null,
    priority: 0,
    seq: i,
  }));

  it("reads further when every candidate of a full read was lost, instead of reporting an empty queue", async () => {
    const limits: number[] = [];
    // A spread walk that starts at the first candidate read, so the claim order stays visible.
    const claimer = new NextTaskClaimer<string>(
      async (_colony, limit) => {
        limits.push(limit);
        return rows.slice(0, limit);
      },
      4,
      () => 0,
    );
    // The first 12 were taken elsewhere, which this ledger does not show yet.
    const claimed = await claimer.next("c1", async (row) => (Number(row.id.slice(1)) < 12 ? null : row.id));
    expect(claimed).toBe("t12");
    // The first loss to another process reads again at once, spread; then each read reaches past the lost.
    expect(limits).toEqual([5, 6, 11, 16]);
    expect(await claimer.next("c1", async () => null)).toBeNull();
  });

  it("gives concurrent claimers distinct candidates, from one shared read once it knows how many they are", async () => {
    let reads = 0;
    const taken = new Set<string>();
    const claimer = new NextTaskClaimer<string>(async (_colony, limit) => {
      reads++;
      return rows.filter((r) => !taken.has(r.id)).slice(0, limit);
    });
    const attempted: string[] = [];
    const wave = () =>
      Promise.all(
        Array.from({ length: 4 }, () =>
          claimer.next("c1", async (row) => {
            attempted.push(row.id);
            taken.add(row.id);
            return row.id;
          }),
        ),
      );
    expect(await wave()).toEqual(["t0", "t1", "t2", "t3"]);
    // The first wave taught it that 4 claim at once: the next wave's read serves all four.
    const before = reads;
    expect(await wave()).toEqual(["t4", "t5", "t6", "t7"]);
    expect(reads - before).toBe(1);
    // No candidate was tried twice: each claimer passed over those in flight.
    expect(attempted).toEqual(["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"]);
  });
});

describe("NextTaskClaimer across processes", () => {
  const row = (id: string) => ({ id, colony_id: "c1", goal: id, payload: null, priority: 0, seq: null });

  /** A queue of pending ids; `takenElsewhere` ids are lost when tried, as to another process. */
  function queue(ids: string[], takenElsewhere: string[] = []) {
    const pending = [...ids];
    const claimer = new NextTaskClaimer<string>(
      async (_colony, limit) => pending.slice(0, limit).map(row),
      4,
      () => 0.5,
    );
    const next = () =>
      claimer.next("c1", async (candidate) => {
        pending.splice(pending.indexOf(candidate.id), 1);
        return takenElsewhere.includes(candidate.id) ? null : candidate.id;
      });
    return { next, pending };
  }

  it("follows the claim order exactly while it loses nothing to another process", async () => {
    const { next } = queue(["a", "b", "c", "d", "e", "f"]);
    const got: (string | null)[] = [];
    for (let i = 0; i < 6; i++) got.push(await next());
    expect(got).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("once a claim is lost to another process, starts each walk at a random candidate instead of the first", async () => {
    const { next } = queue(["a", "b", "c", "d", "e", "f", "g", "h"], ["a"]);
    // "a" is lost (taken elsewhere), then the walk spreads: of b..h read (5 = 1 claimer + 4 slack
    // + 1 lost... capped by what is pending), the one half-way on comes first.
    const first = await next();
    expect(first).not.toBe("b");
    const rest: (string | null)[] = [];
    for (let claimed = await next(); claimed !== null; claimed = await next()) rest.push(claimed);
    // Every task is still claimed exactly once.
    expect([first, ...rest].sort()).toEqual(["b", "c", "d", "e", "f", "g", "h"]);
  });

  it("a stale read offering a task this process already won is no sign of another process", async () => {
    const pending = ["a", "b", "c"];
    const won = new Set<string>();
    let stale = true;
    const claimer = new NextTaskClaimer<string>(
      // The first read after "a" was won still shows it (the ledger lagging this process's own claim).
      async (_colony, limit) => (stale && won.has("a") ? ["a", ...pending] : pending).slice(0, limit).map(row),
      4,
      () => 0.5,
    );
    const attempt = async (candidate: { id: string }) => {
      if (won.has(candidate.id)) {
        stale = false;
        return null;
      }
      won.add(candidate.id);
      pending.splice(pending.indexOf(candidate.id), 1);
      return candidate.id;
    };
    expect(await claimer.next("c1", attempt)).toBe("a");
    expect(await claimer.next("c1", attempt)).toBe("b");
    expect(await claimer.next("c1", attempt)).toBe("c");
  });
});
