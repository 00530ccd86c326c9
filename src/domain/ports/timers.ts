/** A pending delayed run; cancelling it after it ran does nothing. */
export interface ScheduledRun {
  cancel(): void;
}

/**
 * Delayed callbacks, injected beside the Clock so that cooldowns, deadlines and timer triggers
 * follow the time a test controls: a manual implementation advances both, and nothing sleeps for
 * real. `run` is called once, `delayMs` after scheduling, unless cancelled first. A promise it
 * returns is the run's own business (callers pass runs that never reject), but a test
 * implementation may await it to step through time deterministically.
 */
export interface Timers {
  schedule(delayMs: number, run: () => void | Promise<void>): ScheduledRun;
}
