/**
 * The colony's concurrency cap: how many workers may hold a running slot, and the queue of those
 * waiting for one, first come first served. Purely in memory and synchronous, so a slot is taken
 * or a place in the queue is held in the same tick the decision is made and two spawns can never
 * both take the last slot.
 */
export class ConcurrencyGate<T> {
  private used = 0;
  private readonly waiting: T[] = [];

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1)
      throw new RangeError(`the concurrency cap must be a positive integer, got ${cap}`);
  }

  get running(): number {
    return this.used;
  }

  get queued(): readonly T[] {
    return this.waiting;
  }

  /** Takes a slot if one is free. */
  tryTake(): boolean {
    if (this.used >= this.cap) return false;
    this.used++;
    return true;
  }

  release(): void {
    if (this.used === 0) throw new Error("released a slot nobody held");
    this.used--;
  }

  enqueue(item: T): void {
    this.waiting.push(item);
  }

  /** Takes it out of the queue; false when it was not waiting. */
  remove(item: T): boolean {
    const index = this.waiting.indexOf(item);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  /** The next waiting item with a slot taken for it, while a slot is free. */
  promote(): T | undefined {
    if (this.waiting.length === 0 || this.used >= this.cap) return undefined;
    this.used++;
    return this.waiting.shift();
  }
}
