/** A pending scheduled run; cancelling after it ran does nothing. */
export interface ScheduledRun {
  cancel(): void;
}

/**
 * When timers run, injected so tests advance time by hand instead of sleeping. `run` is called
 * once, `delayMs` after scheduling; a returned promise is the run's own business (the timer loop
 * never rejects), but a test scheduler may await it to step deterministically.
 */
export interface Scheduler {
  schedule(delayMs: number, run: () => void | Promise<void>): ScheduledRun;
}

/** Node clamps longer setTimeout delays to 1 ms: a monthly timer would fire at once, forever. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Real time through setTimeout; delays past Node's limit are waited for in steps. */
export const systemScheduler: Scheduler = {
  schedule(delayMs, run) {
    let handle: NodeJS.Timeout;
    const wait = (remaining: number) => {
      const step = Math.min(Math.max(remaining, 0), MAX_TIMEOUT_MS);
      handle = setTimeout(() => (remaining > step ? wait(remaining - step) : void run()), step);
    };
    wait(delayMs);
    return { cancel: () => clearTimeout(handle) };
  },
};
