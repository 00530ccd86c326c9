import { firstValueFrom, take, toArray } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import type { NewEvent, RecordedEvent } from "../../src/domain/envelope.js";
import { ColonyError, type ExpectedVersion, VersionConflictError } from "../../src/domain/errors.js";
import { EventCatalogue, eventGroups } from "../../src/domain/events/catalogue.js";
import type { EventStore } from "../../src/domain/ports/event-store.js";
import { part, sample } from "../support/sample-events.js";

export interface EventStoreHarness {
  /** A store on a new, empty log. */
  fresh(options?: { catalogue?: EventCatalogue }): Promise<EventStore>;
  /** A second, independent handle on the same log as `store` (same file, same database). */
  reopen(store: EventStore, options?: { catalogue?: EventCatalogue }): Promise<EventStore>;
  /**
   * Where the store knows an event id as taken: in the whole log (the default), or only in the
   * stream it was appended to, for a store that keeps no index by id (EventStoreDB): there an id
   * reused in another stream is written as another event.
   */
  readonly eventIdScope?: "log" | "stream";
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<ColonyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ColonyError)) throw new Error(`expected a ColonyError, got ${String(error)}`);
  return error;
}

const uuid = (n: number) => `0190a000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;

/**
 * The shared conformance suite of DESIGN §2: every EventStore adapter runs it against its real
 * engine. Written once; adapters pass a harness that opens stores.
 */
export function describeEventStoreConformance(adapter: string, harness: EventStoreHarness): void {
  describe(`EventStore conformance: ${adapter}`, () => {
    const opened: EventStore[] = [];
    const fresh = async (options?: { catalogue?: EventCatalogue }) => {
      const store = await harness.fresh(options);
      opened.push(store);
      return store;
    };
    const reopen = async (store: EventStore, options?: { catalogue?: EventCatalogue }) => {
      const other = await harness.reopen(store, options);
      opened.push(other);
      return other;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describe("append and read back", () => {
      it("round-trips type, data and metadata", async () => {
        const store = await fresh();
        const event: NewEvent = {
          ...sample("TaskSeeded"),
          metadata: { eventId: uuid(1), correlationId: "corr-1", causationId: "cause-1", actor: "queen" },
        };
        const result = await store.append("task-t1", [event], { expectedVersion: "no_stream" });
        const [read] = await collect(store.readStream("task-t1"));

        expect(result.nextExpectedVersion).toBe(0n);
        expect(read).toEqual(result.events[0]);
        expect(read?.type).toBe("TaskSeeded");
        expect(read?.data).toEqual(event.data);
        expect(read?.metadata).toMatchObject({
          eventId: uuid(1),
          correlationId: "corr-1",
          causationId: "cause-1",
          actor: "queen",
          schemaVersion: 1,
        });
        expect(Number.isNaN(Date.parse(read?.metadata.recordedAt ?? ""))).toBe(false);
      });

      it("numbers versions contiguously from 0 and positions strictly increasing across streams", async () => {
        const store = await fresh();
        for (let round = 0; round < 3; round++) {
          for (const stream of ["conversation-a", "conversation-b"]) {
            await store.append(stream, [part(round * 2), part(round * 2 + 1)], { expectedVersion: "any" });
          }
        }
        const all = await collect(store.readAll());
        const positions = all.map((e) => e.position);
        expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : 1)));
        expect(new Set(positions).size).toBe(12);
        for (const stream of ["conversation-a", "conversation-b"]) {
          const versions = (await collect(store.readStream(stream))).map((e) => e.version);
          expect(versions).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
          expect(await store.streamVersion(stream)).toBe(5n);
        }
        expect(await store.headPosition()).toBe(positions.at(-1));
      });

      it("reports an empty log and a missing stream", async () => {
        const store = await fresh();
        expect(await store.headPosition()).toBe(0n);
        expect(await store.streamVersion("worker-nobody")).toBe("no_stream");
        expect(await collect(store.readStream("worker-nobody"))).toEqual([]);
        expect(await collect(store.readAll())).toEqual([]);
      });

      it("keeps 1 MiB payloads and non-ASCII text intact", async () => {
        const store = await fresh();
        const big = "colonies ".repeat(116_509).slice(0, 1024 * 1024);
        const text = "Über die Ameisen — 蟻の巣 🐜🐜 مستعمرة נמלים e\u0301 \u0000 \u{10FFFF}";
        await store.append("conversation-big", [part(0, big), part(1, text)], { expectedVersion: "no_stream" });
        const contents = (await collect(store.readStream("conversation-big"))).map(
          (e) => (e.data as { content: string }).content,
        );
        expect(contents).toEqual([big, text]);
      });
    });

    describe("expected version", () => {
      const cases: { form: ExpectedVersion; onMissing: boolean; onExisting: boolean }[] = [
        { form: "no_stream", onMissing: true, onExisting: false },
        { form: "stream_exists", onMissing: false, onExisting: true },
        { form: "any", onMissing: true, onExisting: true },
        { form: 1n, onMissing: false, onExisting: true },
        { form: 0n, onMissing: false, onExisting: false },
      ];
      for (const { form, onMissing, onExisting } of cases) {
        it(`${String(form)}: ${onMissing ? "accepts" : "refuses"} a missing stream, ${onExisting ? "accepts" : "refuses"} one at version 1`, async () => {
          const store = await fresh();
          await store.append("worker-existing", [sample("WorkerQueued"), sample("WorkerStarted")], {
            expectedVersion: "no_stream",
          });
          for (const [stream, accepted, actual] of [
            ["worker-missing", onMissing, "no_stream"],
            ["worker-existing", onExisting, 1n],
          ] as const) {
            const head = await store.headPosition();
            const attempt = store.append(stream, [sample("WorkerStopped")], { expectedVersion: form });
            if (accepted) {
              const result = await attempt;
              expect(result.nextExpectedVersion).toBe(actual === "no_stream" ? 0n : actual + 1n);
              continue;
            }
            const error = await refusal(attempt);
            expect(error).toBeInstanceOf(VersionConflictError);
            expect(error.code).toBe("version_conflict");
            expect((error as VersionConflictError).actual).toBe(actual);
            expect((error as VersionConflictError).expected).toBe(form);
            expect((error as VersionConflictError).streamId).toBe(stream);
            expect(await store.headPosition()).toBe(head);
          }
        });
      }

      it("refuses an expected version that is not one of the four forms, writing nothing", async () => {
        const store = await fresh();
        for (const bad of [-1n, 3, "latest", undefined]) {
          const error = await refusal(
            store.append("worker-w", [sample("WorkerQueued")], { expectedVersion: bad as ExpectedVersion }),
          );
          expect(error.code).toBe("invalid_argument");
          expect(error.message).toContain("expectedVersion");
        }
        expect(await store.headPosition()).toBe(0n);
      });
    });

    describe("appendMany", () => {
      it("writes every stream or none", async () => {
        const store = await fresh();
        const seeded = await store.append("task-b", [sample("TaskSeeded")], { expectedVersion: "no_stream" });

        const conflict = await refusal(
          store.appendMany([
            { streamId: "task-a", events: [sample("TaskSeeded")], expectedVersion: "no_stream" },
            { streamId: "task-b", events: [sample("TaskClaimed")], expectedVersion: 5n },
          ]),
        );
        expect(conflict.code).toBe("version_conflict");
        expect((conflict as VersionConflictError).actual).toBe(0n);

        const invalid = await refusal(
          store.appendMany([
            { streamId: "task-a", events: [sample("TaskSeeded")], expectedVersion: "no_stream" },
            { streamId: "task-b", events: [{ type: "TaskClaimed", data: { workerId: "w1" } }], expectedVersion: 0n },
          ]),
        );
        expect(invalid.code).toBe("invalid_event");
        expect(invalid.message).toMatch(/^task-b event\[0\] TaskClaimed: data\.claimToken/);
        expect(await store.streamVersion("task-a")).toBe("no_stream");
        expect(await store.headPosition()).toBe(seeded.events[0]?.position);

        const results = await store.appendMany([
          { streamId: "task-a", events: [sample("TaskSeeded")], expectedVersion: "no_stream" },
          { streamId: "task-b", events: [sample("TaskClaimed"), sample("StepStarted")], expectedVersion: 0n },
        ]);
        expect(results.map((r) => [r.streamId, r.nextExpectedVersion])).toEqual([
          ["task-a", 0n],
          ["task-b", 2n],
        ]);
        expect((await collect(store.readAll())).map((e) => e.type)).toEqual([
          "TaskSeeded",
          "TaskSeeded",
          "TaskClaimed",
          "StepStarted",
        ]);
      });

      it("applies expected versions in order when one call appends to a stream twice", async () => {
        const store = await fresh();
        const results = await store.appendMany([
          { streamId: "worker-x", events: [sample("WorkerQueued")], expectedVersion: "no_stream" },
          { streamId: "worker-x", events: [sample("WorkerStarted")], expectedVersion: 0n },
        ]);
        expect(results.map((r) => r.nextExpectedVersion)).toEqual([0n, 1n]);
      });
    });

    describe("reading", () => {
      const fill = async (store: EventStore, count: number) => {
        const events = Array.from({ length: count }, (_, i) => part(i));
        for (let i = 0; i < count; i += 250) {
          await store.append("conversation-long", events.slice(i, i + 250), { expectedVersion: "any" });
        }
      };

      it("reads a stream forwards, backwards, in ranges and with limits, across pages", async () => {
        const store = await fresh();
        await fill(store, 1234);
        await store.append("conversation-other", [part(0)], { expectedVersion: "no_stream" });
        const versions = async (options: Parameters<EventStore["readStream"]>[1]) =>
          (await collect(store.readStream("conversation-long", options))).map((e) => Number(e.version));

        const all = await versions({});
        expect(all).toHaveLength(1234);
        expect(all.every((v, i) => v === i)).toBe(true);
        const backwards = await versions({ direction: "backwards" });
        expect(backwards).toEqual([...all].reverse());
        expect(await versions({ from: 1000n })).toEqual(all.slice(1000));
        expect(await versions({ from: 10n, to: 14n })).toEqual([10, 11, 12, 13, 14]);
        expect(await versions({ from: 10n, limit: 3 })).toEqual([10, 11, 12]);
        expect(await versions({ direction: "backwards", from: 700n, to: 698n })).toEqual([700, 699, 698]);
        expect(await versions({ direction: "backwards", limit: 2 })).toEqual([1233, 1232]);
        expect(await versions({ direction: "backwards", from: 600n, limit: 800 })).toEqual(all.slice(0, 601).reverse());
        expect(await versions({ from: 5000n })).toEqual([]);
      });

      it("reads the whole log from a position, with a limit, across pages", async () => {
        const store = await fresh();
        await fill(store, 1100);
        const all = await collect(store.readAll());
        expect(all).toHaveLength(1100);
        const from = all[600]?.position ?? 0n;
        const tail = await collect(store.readAll({ from }));
        expect(tail.map((e) => e.position)).toEqual(all.slice(600).map((e) => e.position));
        const some = await collect(store.readAll({ from, limit: 501 }));
        expect(some.map((e) => e.position)).toEqual(all.slice(600, 1101).map((e) => e.position));
        expect(await collect(store.readAll({ from: (all.at(-1)?.position ?? 0n) + 1n }))).toEqual([]);
      });

      it("refuses a limit that is not a positive integer", async () => {
        const store = await fresh();
        for (const limit of [0, -1, 1.5]) {
          expect((await refusal(collect(store.readAll({ limit })))).code).toBe("invalid_argument");
        }
      });

      it("refuses positions and versions out of range with an error naming the option", async () => {
        const store = await fresh();
        const tooFar = 2n ** 64n;
        const attempts: [string, Promise<unknown>][] = [
          ["from", collect(store.readAll({ from: tooFar }))],
          ["from", collect(store.readAll({ from: -1n }))],
          ["from", collect(store.readStream("worker-w", { from: tooFar }))],
          ["to", collect(store.readStream("worker-w", { to: -5n }))],
          ["from", firstValueFrom(store.subscribe({ from: tooFar }))],
        ];
        for (const [option, attempt] of attempts) {
          const error = await refusal(attempt);
          expect(error.code).toBe("invalid_argument");
          expect(error.message).toMatch(new RegExp(`^${option}: `));
        }
      });
    });

    describe("subscribe", () => {
      it("catches up, then goes live under concurrent appends, with no gap and no duplicate", async () => {
        const store = await fresh();
        await store.append(
          "conversation-s",
          Array.from({ length: 700 }, (_, i) => part(i)),
          {
            expectedVersion: "no_stream",
          },
        );
        const writers = 4;
        const perWriter = 60;
        const total = 700 + writers * perWriter;
        const received = firstValueFrom(store.subscribe().pipe(take(total), toArray()));
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) {
              await store.append(`conversation-w${w}`, [part(i)], {
                expectedVersion: i === 0 ? "no_stream" : BigInt(i - 1),
              });
            }
          }),
        );
        const events = await received;
        const stored = await collect(store.readAll());
        expect(events.map((e) => e.position)).toEqual(stored.map((e) => e.position));
        expect(new Set(events.map((e) => e.metadata.eventId)).size).toBe(total);
      });

      it("starts from a given position and delivers appends made after it subscribed", async () => {
        const store = await fresh();
        await store.append("worker-a", [sample("WorkerQueued"), sample("WorkerStarted")], { expectedVersion: "any" });
        const head = await store.headPosition();
        const received = firstValueFrom(store.subscribe({ from: head }).pipe(take(2), toArray()));
        await store.append("worker-a", [sample("WorkerStopped")], { expectedVersion: "any" });
        const events = await received;
        // `from` is inclusive; positions only promise to increase (some stores leave gaps).
        expect(events.map((e) => e.type)).toEqual(["WorkerStarted", "WorkerStopped"]);
        expect(events[0]?.position).toBe(head);
        expect(events[1]?.position).toBeGreaterThan(head);
        expect(await store.headPosition()).toBe(events[1]?.position);
      });

      it("filters by category, type and stream", async () => {
        const store = await fresh();
        await store.appendMany([
          { streamId: "worker-a", events: [sample("WorkerQueued"), sample("WorkerStarted")], expectedVersion: "any" },
          { streamId: "task-a", events: [sample("TaskSeeded"), sample("TaskClaimed")], expectedVersion: "any" },
          { streamId: "worker-b", events: [sample("WorkerStarted")], expectedVersion: "any" },
        ]);
        const first = async (filter: Parameters<EventStore["subscribe"]>[0], count: number) =>
          (await firstValueFrom(store.subscribe(filter).pipe(take(count), toArray()))).map(
            (e: RecordedEvent) => `${e.streamId}:${e.type}`,
          );
        expect(await first({ filter: { categories: ["task"] } }, 2)).toEqual([
          "task-a:TaskSeeded",
          "task-a:TaskClaimed",
        ]);
        expect(await first({ filter: { types: ["WorkerStarted"] } }, 2)).toEqual([
          "worker-a:WorkerStarted",
          "worker-b:WorkerStarted",
        ]);
        expect(await first({ filter: { streamId: "worker-b" } }, 1)).toEqual(["worker-b:WorkerStarted"]);
        const live = firstValueFrom(store.subscribe({ filter: { types: ["TaskCompleted"] } }).pipe(take(1)));
        await store.append("task-a", [sample("TaskCompleted")], { expectedVersion: 1n });
        expect((await live).type).toBe("TaskCompleted");
      });

      it("serves a subscriber that takes a few events and leaves, in order", async () => {
        const store = await fresh();
        await store.append(
          "conversation-u",
          Array.from({ length: 1500 }, (_, i) => part(i)),
          {
            expectedVersion: "any",
          },
        );
        const seen = await firstValueFrom(store.subscribe().pipe(take(10), toArray()));
        expect(seen.map((e) => Number(e.version))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });
    });

    describe("bad input", () => {
      const invalid: [string, string, NewEvent[], RegExp][] = [
        ["an unknown event type", "worker-w", [{ type: "WorkerDanced", data: {} }], /unknown event type WorkerDanced/],
        [
          "an event of another category",
          "worker-w",
          [sample("TaskClaimed")],
          /TaskClaimed belongs to task streams, not worker/,
        ],
        [
          "data failing its schema",
          "worker-w",
          [sample("WorkerQueued"), { type: "WorkerStarted", data: { attempt: 0 } }],
          /event\[1\] WorkerStarted: data\.attempt/,
        ],
        [
          "an unknown data field",
          "worker-w",
          [{ type: "WorkerQueued", data: { reason: "x", colour: "red" } }],
          /WorkerQueued: data/,
        ],
        [
          "a malformed event id",
          "worker-w",
          [{ ...sample("WorkerQueued"), metadata: { eventId: "not-a-uuid" } }],
          /metadata\.eventId/,
        ],
        ["an empty append", "worker-w", [], /no events/],
      ];
      for (const [what, stream, events, message] of invalid) {
        it(`refuses ${what} and writes nothing`, async () => {
          const store = await fresh();
          const error = await refusal(store.append(stream, events, { expectedVersion: "any" }));
          expect(error.message).toMatch(message);
          expect(await store.headPosition()).toBe(0n);
        });
      }

      it("refuses malformed stream ids", async () => {
        const store = await fresh();
        for (const stream of ["worker", "-w1", "robot-w1", "worker-", "worker-a b", "worker-../etc", "task-x/y"]) {
          const error = await refusal(store.append(stream, [sample("WorkerQueued")], { expectedVersion: "any" }));
          expect(error.code).toBe("invalid_stream_id");
        }
        expect(await store.headPosition()).toBe(0n);
      });
    });

    describe("retried appends", () => {
      it("does not duplicate events whose ids were already written", async () => {
        const store = await fresh();
        const events: NewEvent[] = [
          { ...sample("WorkerQueued"), metadata: { eventId: uuid(10) } },
          { ...sample("WorkerStarted"), metadata: { eventId: uuid(11) } },
        ];
        const first = await store.append("worker-r", events, { expectedVersion: "no_stream" });
        const again = await store.append("worker-r", events, { expectedVersion: "no_stream" });
        const anyVersion = await store.append("worker-r", events, { expectedVersion: "any" });
        expect(again).toEqual(first);
        expect(anyVersion).toEqual(first);
        expect(await store.streamVersion("worker-r")).toBe(1n);
        expect(await store.headPosition()).toBe(first.events[1]?.position);

        const [retried] = await store.appendMany([{ streamId: "worker-r", events, expectedVersion: 7n }]);
        expect(retried).toEqual(first);
      });

      it("refuses an id reused for a different append", async () => {
        const store = await fresh();
        const stored = await store.append(
          "worker-r",
          [{ ...sample("WorkerQueued"), metadata: { eventId: uuid(20) } }],
          {
            expectedVersion: "any",
          },
        );
        const elsewhere = store.append("worker-s", [{ ...sample("WorkerQueued"), metadata: { eventId: uuid(20) } }], {
          expectedVersion: "any",
        });
        if ((harness.eventIdScope ?? "log") === "log") {
          expect((await refusal(elsewhere)).code).toBe("event_id_conflict");
        } else {
          expect((await elsewhere).events.map((e) => [e.streamId, e.metadata.eventId])).toEqual([
            ["worker-s", uuid(20)],
          ]);
        }
        const head = await store.headPosition();
        if ((harness.eventIdScope ?? "log") === "log") expect(head).toBe(stored.events[0]?.position);
        const extended = await refusal(
          store.append(
            "worker-r",
            [
              { ...sample("WorkerStarted"), metadata: { eventId: uuid(21) } },
              { ...sample("WorkerStopped"), metadata: { eventId: uuid(20) } },
            ],
            { expectedVersion: "any" },
          ),
        );
        expect(extended.code).toBe("event_id_conflict");
        const twice = await refusal(
          store.append(
            "worker-t",
            [
              { ...sample("WorkerStarted"), metadata: { eventId: uuid(30) } },
              { ...sample("WorkerStopped"), metadata: { eventId: uuid(30) } },
            ],
            { expectedVersion: "any" },
          ),
        );
        expect(twice.code).toBe("invalid_argument");
        const changed = await refusal(
          store.append(
            "worker-r",
            [{ ...sample("WorkerQueued", { reason: "other" }), metadata: { eventId: uuid(20) } }],
            {
              expectedVersion: "any",
            },
          ),
        );
        expect(changed.code).toBe("event_id_conflict");
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe("schema evolution", () => {
      it("upcasts events written under an older schema version when they are read", async () => {
        const v1 = await fresh();
        await v1.append("worker-old", [sample("WorkerQueued", { reason: "cap" })], { expectedVersion: "no_stream" });
        const v2 = new EventCatalogue(eventGroups, {
          WorkerQueued: {
            schemaVersion: 2,
            upcasters: {
              1: (data) => ({ ...(data as object), reason: `legacy: ${(data as { reason: string }).reason}` }),
            },
          },
        });
        const upgraded = await reopen(v1, { catalogue: v2 });
        const [event] = await collect(upgraded.readStream("worker-old"));
        expect(event?.data).toEqual({ reason: "legacy: cap" });
        expect(event?.metadata.schemaVersion).toBe(2);
        const [live] = await firstValueFrom(upgraded.subscribe().pipe(take(1), toArray()));
        expect(live?.data).toEqual({ reason: "legacy: cap" });
      });
    });

    describe("several handles on one log", () => {
      it("sees appends made through another handle, live", async () => {
        const store = await fresh();
        const other = await reopen(store);
        const received = firstValueFrom(store.subscribe().pipe(take(2), toArray()));
        await other.append("worker-o", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
        await other.append("worker-o", [sample("WorkerStarted")], { expectedVersion: 0n });
        expect((await received).map((e) => e.type)).toEqual(["WorkerQueued", "WorkerStarted"]);
        const conflict = await refusal(store.append("worker-o", [sample("WorkerStopped")], { expectedVersion: 0n }));
        expect((conflict as VersionConflictError).actual).toBe(1n);
      });
    });
  });
}
