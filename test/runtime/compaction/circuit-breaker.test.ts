import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/domain/errors.js";
import { CircuitBreaker } from "../../../src/runtime/compaction/circuit-breaker.js";
import { ManualTime } from "../../support/manual-time.js";

describe("CircuitBreaker", () => {
  const breaker = (time: ManualTime) => new CircuitBreaker({ clock: time, failureThreshold: 3, cooldownMs: 60_000 });

  it("opens after N consecutive failures and refuses calls for the cooldown", async () => {
    const time = new ManualTime();
    const b = breaker(time);
    for (let i = 0; i < 2; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.recordFailure();
    }
    expect(b.state).toBe("closed");
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe("open");
    expect(b.tryAcquire()).toBe(false);
    await time.advance(59_999);
    expect(b.tryAcquire()).toBe(false);
  });

  it("counts only consecutive failures: a success starts the count again", () => {
    const b = breaker(new ManualTime());
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    b.recordFailure();
    expect(b.state).toBe("closed");
    expect(b.consecutiveFailures).toBe(2);
  });

  it("after the cooldown lets one trial through; its success closes the breaker", async () => {
    const time = new ManualTime();
    const b = breaker(time);
    for (let i = 0; i < 3; i++) b.recordFailure();
    await time.advance(60_000);
    expect(b.state).toBe("half_open");
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.recordSuccess();
    expect(b.state).toBe("closed");
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
  });

  it("a failed trial opens it for another cooldown; a released one frees the trial slot", async () => {
    const time = new ManualTime();
    const b = breaker(time);
    for (let i = 0; i < 3; i++) b.recordFailure();
    await time.advance(60_000);
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.state).toBe("half_open");
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe("open");
    await time.advance(30_000);
    expect(b.tryAcquire()).toBe(false);
    await time.advance(30_000);
    expect(b.tryAcquire()).toBe(true);
  });

  it("refuses a threshold below 1 and a negative cooldown", () => {
    const clock = new ManualTime();
    expect(() => new CircuitBreaker({ clock, failureThreshold: 0 })).toThrow(InvalidArgumentError);
    expect(() => new CircuitBreaker({ clock, cooldownMs: -1 })).toThrow(InvalidArgumentError);
  });
});
