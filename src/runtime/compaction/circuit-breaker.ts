import { InvalidArgumentError } from "../../domain/errors.js";
import type { Clock } from "../../domain/ports/clock.js";

export type BreakerState = "closed" | "open" | "half_open";

export interface CircuitBreakerOptions {
  readonly clock: Clock;
  /** Consecutive failures that open the breaker. Default 3. */
  readonly failureThreshold?: number;
  /** How long it stays open before one trial call is let through. Default 5 minutes. */
  readonly cooldownMs?: number;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_COOLDOWN_MS = 5 * 60_000;

/**
 * Stops calling a model that keeps failing: every compaction would otherwise wait out the full
 * timeout before falling back, stalling each agent that needs one. Closed, it lets calls through
 * and counts consecutive failures; at the threshold it opens and refuses calls for the cooldown;
 * then it is half open and lets one trial call through at a time: a success closes it, a failure
 * opens it for another cooldown. Time is the injected clock's, so tests move it by hand.
 */
export class CircuitBreaker {
  private readonly clock: Clock;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    this.clock = options.clock;
    this.failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new InvalidArgumentError("failureThreshold", `expected a positive integer, got ${this.failureThreshold}`);
    }
    if (!Number.isFinite(this.cooldownMs) || this.cooldownMs < 0) {
      throw new InvalidArgumentError("cooldownMs", `expected a non-negative number, got ${this.cooldownMs}`);
    }
  }

  get state(): BreakerState {
    if (this.openedAt === null) return "closed";
    return this.clock.now().getTime() - this.openedAt < this.cooldownMs ? "open" : "half_open";
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Whether a call may go out now; a true answer must be followed by recordSuccess or recordFailure. */
  tryAcquire(): boolean {
    switch (this.state) {
      case "closed":
        return true;
      case "open":
        return false;
      case "half_open":
        if (this.trialInFlight) return false;
        this.trialInFlight = true;
        return true;
    }
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  /** A call that went out but whose end says nothing about the model (the caller aborted it). */
  release(): void {
    this.trialInFlight = false;
  }

  recordFailure(): void {
    this.failures++;
    this.trialInFlight = false;
    if (this.failures >= this.failureThreshold) this.openedAt = this.clock.now().getTime();
  }
}
