import type { Timers } from "../../domain/ports/timers.js";

/** Node clamps a setTimeout delay above this to 1 ms: a monthly timer or a long cooldown would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Real time through setTimeout; a delay past Node's limit is waited out in steps. */
export const systemTimers: Timers = {
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
