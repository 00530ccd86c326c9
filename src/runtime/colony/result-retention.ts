import type { Clock } from "../../domain/ports/clock.js";

/**
 * Finished workers' results kept in memory for quick reads, bounded by count and by age: the
 * oldest go first. Only memory forgets; every report stays in the log, where wait() still finds it.
 */
export class ResultRetention<T> {
  // A Map iterates in insertion order, which is completion order: the first entry is the oldest.
  private readonly entries = new Map<string, { value: T; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxCount: number,
    private readonly maxAgeMs: number | null,
  ) {
    if (!Number.isInteger(maxCount) || maxCount < 0)
      throw new RangeError(`maxResults must be a non-negative integer, got ${maxCount}`);
    if (maxAgeMs !== null && !(maxAgeMs >= 0))
      throw new RangeError(`maxResultAgeMs must be non-negative, got ${maxAgeMs}`);
  }

  add(id: string, value: T): void {
    this.entries.delete(id);
    this.entries.set(id, { value, at: this.clock.now().getTime() });
    this.prune();
  }

  get(id: string): T | undefined {
    this.prune();
    return this.entries.get(id)?.value;
  }

  values(): T[] {
    this.prune();
    return [...this.entries.values()].map((e) => e.value);
  }

  get size(): number {
    this.prune();
    return this.entries.size;
  }

  private prune(): void {
    if (this.maxAgeMs !== null) {
      const oldest = this.clock.now().getTime() - this.maxAgeMs;
      for (const [id, entry] of this.entries) {
        // Entries are in completion order, so the first young one ends the sweep.
        if (entry.at >= oldest) break;
        this.entries.delete(id);
      }
    }
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.maxCount) break;
      this.entries.delete(id);
    }
  }
}
