/** Wall-clock seconds one run of `work` takes. */
export async function seconds(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Adds up items and seconds over several interleaved rounds; the rate is total items / total time. */
export class Throughput {
  private items = 0;
  private elapsed = 0;

  async time(items: number, work: () => unknown): Promise<void> {
    this.elapsed += await seconds(work);
    this.items += items;
  }

  get perSecond(): number {
    return this.elapsed === 0 ? 0 : this.items / this.elapsed;
  }
}

/**
 * Runs both contenders once, in turn: A then B in even rounds, B then A in odd ones, so neither
 * always goes first into a warm (or a cooling) machine.
 */
export async function inTurn(round: number, a: () => Promise<void>, b: () => Promise<void>): Promise<void> {
  const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
  await first();
  await second();
}

/** Runs every contender once, starting with a different one each round, so none always goes first. */
export async function inRotation(round: number, contenders: readonly (() => Promise<void>)[]): Promise<void> {
  for (let i = 0; i < contenders.length; i++)
    await (contenders[(round + i) % contenders.length] as () => Promise<void>)();
}
