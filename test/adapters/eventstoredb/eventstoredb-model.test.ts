import { AccessDeniedError, UnavailableError } from "@eventstore/db-client";
import { firstValueFrom, take, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { PartialAppendError } from "../../../src/adapters/eventstoredb/errors.js";
import { EventStoreDbEventStore } from "../../../src/adapters/eventstoredb/eventstoredb-event-store.js";
import { VersionConflictError } from "../../../src/domain/errors.js";
import type { EventStore } from "../../../src/domain/ports/event-store.js";
import { describeEventStoreConformance } from "../../conformance/event-store.js";
import { part, sample } from "../../support/sample-events.js";
import { InMemoryEsdbClient } from "./in-memory-esdb-client.js";

/**
 * The adapter over an in-memory model of the client (in-memory-esdb-client.ts says what it
 * models), since this machine has no server: the shared conformance suite, every log a
 * namespace of one shared model log, then what only this adapter does.
 */
const shared = new InMemoryEsdbClient();
const namespaces = new WeakMap<EventStore, string>();
let counter = 0;

const open = (client: InMemoryEsdbClient, namespace: string, options = {}) => {
  const store = EventStoreDbEventStore.over(client, { ...options, namespace, pageSize: 64, resubscribeDelayMs: 1 });
  namespaces.set(store, namespace);
  return store;
};

describeEventStoreConformance("EventStoreDB adapter over an in-memory model of the client", {
  eventIdScope: "stream",
  async fresh(options) {
    return open(shared, `log${++counter}`, options);
  },
  async reopen(store, options) {
    const namespace = namespaces.get(store);
    if (!namespace) throw new Error("not a store this harness opened");
    return open(shared, namespace, options);
  },
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("EventStoreDB adapter specifics (over the model)", () => {
  const uuid = (n: number) => `0190a000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;

  it("stores each stream under namespace:id and reads only its own namespace", async () => {
    const client = new InMemoryEsdbClient();
    const a = open(client, "a");
    const b = open(client, "b");
    await a.append("worker-w", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
    await b.append("worker-w", [sample("WorkerQueued"), sample("WorkerStarted")], { expectedVersion: "no_stream" });
    expect(client.streamLength("a:worker-w")).toBe(1);
    expect(client.streamLength("b:worker-w")).toBe(2);
    expect((await collect(a.readAll())).map((e) => e.type)).toEqual(["WorkerQueued"]);
    expect(await a.streamVersion("worker-w")).toBe(0n);
    expect(await b.headPosition()).toBeGreaterThan(await a.headPosition());
  });

  it("resends a write whose answer was lost, and stores it once", async () => {
    const client = new InMemoryEsdbClient();
    const store = open(client, "r");
    await store.append("task-t", [sample("TaskSeeded")], { expectedVersion: "no_stream" });
    const before = client.streamLength("r:task-t");
    client.failNextAppend({ error: new UnavailableError(), afterWrite: true });
    const claimed = await store.append("task-t", [sample("TaskClaimed")], { expectedVersion: 0n });
    client.failNextAppend({ error: new UnavailableError(), afterWrite: true });
    const started = await store.append("task-t", [sample("StepStarted")], { expectedVersion: "any" });
    expect(client.streamLength("r:task-t")).toBe(before + 2);
    expect([claimed.nextExpectedVersion, started.nextExpectedVersion]).toEqual([1n, 2n]);
    expect((await collect(store.readStream("task-t"))).map((e) => e.type)).toEqual([
      "TaskSeeded",
      "TaskClaimed",
      "StepStarted",
    ]);
  });

  it("gives up after writeAttempts, and does not resend what the server refused", async () => {
    const client = new InMemoryEsdbClient();
    const store = open(client, "g", { writeAttempts: 2 });
    for (let i = 0; i < 2; i++) client.failNextAppend({ error: new UnavailableError() });
    await expect(store.append("worker-w", [sample("WorkerQueued")], { expectedVersion: "any" })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect(client.appendCalls).toBe(2);
    client.failNextAppend({ error: new AccessDeniedError() });
    await expect(store.append("worker-w", [sample("WorkerQueued")], { expectedVersion: "any" })).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    expect(client.appendCalls).toBe(3);
    expect(await store.headPosition()).toBe(0n);
  });

  it("reports the server's conflict with the actual version, no_stream included", async () => {
    const store = open(new InMemoryEsdbClient(), "c");
    const missing = await store.append("worker-w", [sample("WorkerStarted")], { expectedVersion: 3n }).catch((e) => e);
    expect(missing).toBeInstanceOf(VersionConflictError);
    expect(missing).toMatchObject({ streamId: "worker-w", expected: 3n, actual: "no_stream" });
    await store.append("worker-w", [sample("WorkerQueued")], { expectedVersion: "no_stream" });
    const behind = await store
      .append("worker-w", [sample("WorkerStarted")], { expectedVersion: "no_stream" })
      .catch((e) => e);
    expect(behind).toMatchObject({ code: "version_conflict", streamId: "worker-w", expected: "no_stream", actual: 0n });
  });

  it("reports a multi-stream append that a concurrent writer cut in two, and a resend completes it once", async () => {
    const client = new InMemoryEsdbClient();
    const store = open(client, "p");
    const other = open(client, "p");
    await store.append("task-b", [sample("TaskSeeded")], { expectedVersion: "no_stream" });
    const appends = [
      {
        streamId: "task-a",
        events: [{ ...sample("TaskSeeded"), metadata: { eventId: uuid(1) } }],
        expectedVersion: "no_stream" as const,
      },
      {
        streamId: "task-b",
        events: [{ ...sample("TaskClaimed"), metadata: { eventId: uuid(2) } }],
        expectedVersion: 0n,
      },
    ];
    // Both expectations hold when the call checks them; another writer gets into task-b before its write.
    client.failNextAppend({ error: new UnavailableError(), afterWrite: true });
    client.failNextAppend({
      error: new UnavailableError(),
      before: async () => {
        await other.append("task-b", [sample("TaskClaimed")], { expectedVersion: 0n });
      },
    });
    const partial = await store.appendMany(appends).catch((e: unknown) => e);
    expect(partial).toBeInstanceOf(PartialAppendError);
    expect(partial).toMatchObject({ code: "partial_append", failedStreamId: "task-b" });
    expect((partial as PartialAppendError).written.map((r) => [r.streamId, r.nextExpectedVersion])).toEqual([
      ["task-a", 0n],
    ]);
    expect((partial as PartialAppendError).cause).toBeInstanceOf(VersionConflictError);
    expect((partial as PartialAppendError).message).toMatch(/^appendMany wrote task-a@0, then failed on task-b: /);

    const retried = await store
      .appendMany([appends[0] as (typeof appends)[0], { ...(appends[1] as (typeof appends)[1]), expectedVersion: 1n }])
      .then((results) => results.map((r) => [r.streamId, r.nextExpectedVersion]));
    expect(retried).toEqual([
      ["task-a", 0n],
      ["task-b", 2n],
    ]);
    expect(client.streamLength("p:task-a")).toBe(1);
    expect(client.streamLength("p:task-b")).toBe(3);
  });

  it("keeps a subscription going when the server drops the live feed, without gap or duplicate", async () => {
    const client = new InMemoryEsdbClient();
    const store = open(client, "l");
    await store.append("conversation-k", [part(0), part(1)], { expectedVersion: "no_stream" });
    const received = firstValueFrom(store.subscribe().pipe(take(6), toArray()));
    await store.append("conversation-k", [part(2)], { expectedVersion: 1n });
    client.dropLiveSubscriptions(new UnavailableError());
    await store.append("conversation-k", [part(3), part(4)], { expectedVersion: 2n });
    await store.append("conversation-k", [part(5)], { expectedVersion: 4n });
    const events = await received;
    expect(events.map((e) => e.version)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
  });

  it("fails its subscriptions once the live feed cannot be renewed", async () => {
    const client = new InMemoryEsdbClient();
    const store = open(client, "f", { resubscribeAttempts: 1 });
    const failing = firstValueFrom(store.subscribe({ filter: { types: ["WorkerStopped"] } })).catch((e: unknown) => e);
    client.refuseSubscriptions = new AccessDeniedError();
    client.dropLiveSubscriptions(new UnavailableError());
    expect(await failing).toBeInstanceOf(AccessDeniedError);
  });

  it("completes its subscriptions when closed, also those made afterwards", async () => {
    const store = open(new InMemoryEsdbClient(), "z");
    const live = firstValueFrom(store.subscribe().pipe(toArray()));
    await store.close();
    expect(await live).toEqual([]);
    expect(await firstValueFrom(store.subscribe().pipe(toArray()))).toEqual([]);
  });
});
