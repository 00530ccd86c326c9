import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { catchUpSubscription } from "../../../src/adapters/event-store-kit/catch-up-subscription.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";

const event = (position: bigint): RecordedEvent => ({
  position,
  streamId: "worker-w",
  version: position - 1n,
  type: "WorkerQueued",
  data: {},
  metadata: {
    eventId: `0190a000-0000-7000-8000-${position.toString(16).padStart(12, "0")}`,
    recordedAt: "",
    schemaVersion: 1,
  },
});

function subscription(log: RecordedEvent[], wake: Subject<void>) {
  return catchUpSubscription<RecordedEvent>({
    source: {
      readPage: (from, limit) => log.filter((e) => e.position >= from).slice(0, limit),
      positionOf: (e) => e.position,
      streamIdOf: (e) => e.streamId,
      typeOf: (e) => e.type,
      decode: (e) => e,
    },
    wake,
    from: 1n,
    matches: () => true,
    pageSize: 2,
  });
}

describe("catchUpSubscription", () => {
  it("fails the subscription when the wake-up feed fails, after what it had delivered", async () => {
    const wake = new Subject<void>();
    const seen: bigint[] = [];
    let delivered: () => void = () => {};
    const allDelivered = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    const outcome = new Promise<unknown>((resolve) => {
      subscription([event(1n), event(2n), event(3n)], wake).subscribe({
        next: (e) => {
          seen.push(e.position);
          if (seen.length === 3) delivered();
        },
        error: resolve,
      });
    });
    await allDelivered;
    const failure = new Error("live feed dropped");
    wake.error(failure);
    expect(await outcome).toBe(failure);
    expect(seen).toEqual([1n, 2n, 3n]);
  });

  it("completes when the wake-up feed completes", async () => {
    const wake = new Subject<void>();
    const seen: bigint[] = [];
    await new Promise<void>((resolve) => {
      subscription([event(1n)], wake).subscribe({
        next: (e) => {
          seen.push(e.position);
          wake.complete();
        },
        complete: resolve,
      });
    });
    expect(seen).toEqual([1n]);
  });
});
