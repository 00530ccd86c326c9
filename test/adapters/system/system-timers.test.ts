import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemTimers } from "../../../src/adapters/system/system-timers.js";

// Node's own timers, faked: the tests move time by hand and nothing waits for real.
describe("systemTimers", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once after the delay, and not when cancelled first", () => {
    const runs: string[] = [];
    systemTimers.schedule(1_000, () => void runs.push("kept"));
    const cancelled = systemTimers.schedule(1_000, () => void runs.push("cancelled"));
    cancelled.cancel();
    vi.advanceTimersByTime(999);
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual(["kept"]);
    vi.advanceTimersByTime(10_000);
    expect(runs).toEqual(["kept"]);
  });

  it("waits out a delay past setTimeout's limit instead of firing at once", () => {
    const limit = 2 ** 31 - 1;
    let ran = 0;
    const timer = systemTimers.schedule(limit + 5_000, () => {
      ran++;
    });
    vi.advanceTimersByTime(limit);
    expect(ran).toBe(0);
    vi.advanceTimersByTime(4_999);
    expect(ran).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ran).toBe(1);
    // Cancelling after it ran does nothing.
    timer.cancel();
  });

  it("cancels a long delay in its second step", () => {
    let ran = 0;
    const timer = systemTimers.schedule(2 ** 31 + 1_000, () => {
      ran++;
    });
    vi.advanceTimersByTime(2 ** 31 - 1);
    timer.cancel();
    vi.advanceTimersByTime(10_000);
    expect(ran).toBe(0);
  });
});
