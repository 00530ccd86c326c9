/**
 * Delayed callbacks, injected beside the Clock so cooldowns and wait deadlines follow the same
 * time the tests control (a manual clock advances both; nothing sleeps for real). The shape is
 * the triggers' scheduler's, so one implementation can drive both.
 */
export interface Timers {
  /** Calls `run` once after `delayMs` milliseconds, unless cancelled first. */
  schedule(delayMs: number, run: () => void): { cancel(): void };
}

export const realTimers: Timers = {
  schedule(delayMs, run) {
    const handle = setTimeout(run, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves true after `ms`, or false as soon as `signal` aborts (then the timer is cancelled). */
export function sleep(timers: Timers, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = timers.schedule(ms, () => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
