import type { CandidateRow } from "./ledger-reads.js";

/**
 * "Claim the next pending task" over an event log, where the original ran one atomic
 * `UPDATE ... WHERE id = (SELECT ... LIMIT 1)`: read candidates from the inline ledger in claim
 * order, claim one through the task decider with the version read, and on losing the race
 * (another claimer's append came first) move on to the next candidate.
 *
 * Exactly-once is the log's: a task's second TaskClaimed would need the version the first one
 * moved, so it is refused. What this class adds is not wasting work: claimers of one process
 * that all read the same first candidate would all race for it and all but one would redo the
 * read. So each candidate under attempt here is marked in flight, and the other claimers of
 * this process pass over it to the next. Claimers in other processes race through the log; once
 * this process has lost such a race, it spreads its claimers over the candidates read (below).
 */
/** How many tasks won here are remembered: far more than one read's candidates. */
const WON_REMEMBERED = 1024;

/** A candidate read: the rows, and how many were asked for (fewer back means no more pending). */
interface Read {
  readonly limit: number;
  readonly rows: Promise<CandidateRow[]>;
}

export class NextTaskClaimer<Claimed> {
  /** Task id -> the attempt on it that one of this process's claimers is making. */
  private readonly inFlight = new Map<string, Promise<Claimed | null>>();
  /** Claimers of this process inside next(): each may take one of the candidates read. */
  private claimers = 0;
  /**
   * The most claimers seen at once. Claimers woken together enter one by one, so the first of
   * them would size the shared read for itself alone; this sizes it for all of them.
   */
  private peak = 0;
  /** The candidate read under way per colony, which claimers arriving meanwhile share. */
  private readonly reading = new Map<string, Read>();
  /**
   * Set once a claim is lost to a claimer of another process: from then on each read's
   * candidates are tried from a random one on, so processes draining one colony spread over the
   * first few instead of all racing for the first (on a shared server every lost race costs a
   * turn of the log's write lock, and three processes drained slower than one). Until then, and
   * always with one process, claims follow the claim order exactly.
   */
  private spread = false;
  /**
   * Tasks this process's claimers won lately: a stale read can offer one again, and losing it
   * then is no sign of another process. Bounded, oldest dropped first.
   */
  private readonly won = new Set<string>();

  constructor(
    /** The first `limit` pending tasks of a colony, in claim order. */
    private readonly candidates: (colonyId: string, limit: number) => Promise<CandidateRow[]>,
    /**
     * Candidates one read fetches beyond one per concurrent claimer (whose reads all see the
     * same first rows) and those this call lost, so a lost race moves on without a re-read.
     */
    private readonly slack = 4,
    /** Where a spread walk starts, as a fraction of the candidates read. */
    private readonly random: () => number = Math.random,
  ) {}

  /** `attempt` claims one candidate, or returns null when it was lost (taken or finished by someone else). */
  async next(colonyId: string, attempt: (candidate: CandidateRow) => Promise<Claimed | null>): Promise<Claimed | null> {
    this.claimers++;
    this.peak = Math.max(this.peak, this.claimers);
    try {
      return await this.walk(colonyId, attempt);
    } finally {
      this.claimers--;
    }
  }

  private async walk(
    colonyId: string,
    attempt: (candidate: CandidateRow) => Promise<Claimed | null>,
  ): Promise<Claimed | null> {
    // Tasks this call lost: passed over when read again, in case the ledger still shows them
    // pending (their claim was appended by a process that does not fold the ledger inline).
    const lost = new Set<string>();
    for (;;) {
      const read = this.read(colonyId, this.peak + lost.size + this.slack);
      const rows = await read.rows;
      const busy: Promise<unknown>[] = [];
      let respread = false;
      for (const row of this.spread ? rotated(rows, this.random()) : rows) {
        if (lost.has(row.id)) continue;
        const other = this.inFlight.get(row.id);
        if (other) {
          busy.push(other);
          continue;
        }
        const claimed = await this.track(row, attempt);
        if (claimed !== null) return claimed;
        lost.add(row.id);
        if (!this.spread && !this.won.has(row.id)) {
          // The first loss to another process: walk again, spread, rather than on to the next
          // candidate in order, which the other process is likely trying next.
          this.spread = true;
          respread = true;
          break;
        }
      }
      if (respread) continue;
      // Every candidate was lost or is being tried by a claimer here. Those attempts may still
      // fail (another process wins, or an error): wait for them rather than report an empty
      // queue that is not empty, then read again, which no longer shows the tasks just taken.
      // With none in flight here, every row read was lost: if the read came back short, that was
      // all that is pending; if full, more may follow, and the next read skips past the lost.
      if (busy.length > 0) await Promise.allSettled(busy);
      else if (rows.length < read.limit) return null;
    }
  }

  /**
   * Claimers woken together (by the commit that settled their last command) all want the same
   * first rows at the same moment: one read serves them all, as long as it fetches enough.
   */
  private read(colonyId: string, limit: number): Read {
    const shared = this.reading.get(colonyId);
    if (shared && shared.limit >= limit) return shared;
    const rows = this.candidates(colonyId, limit);
    const entry = { limit, rows };
    this.reading.set(colonyId, entry);
    const done = () => {
      if (this.reading.get(colonyId) === entry) this.reading.delete(colonyId);
    };
    rows.then(done, done);
    return entry;
  }

  private remember(taskId: string): void {
    this.won.add(taskId);
    if (this.won.size > WON_REMEMBERED) this.won.delete(this.won.values().next().value as string);
  }

  private async track(
    row: CandidateRow,
    attempt: (candidate: CandidateRow) => Promise<Claimed | null>,
  ): Promise<Claimed | null> {
    const claiming = attempt(row);
    this.inFlight.set(row.id, claiming);
    try {
      const claimed = await claiming;
      if (claimed !== null) this.remember(row.id);
      return claimed;
    } finally {
      this.inFlight.delete(row.id);
    }
  }
}

/** The rows from the one at `fraction` of the way on, then the ones before it. */
function rotated<T>(rows: readonly T[], fraction: number): readonly T[] {
  const start = Math.min(rows.length - 1, Math.floor(fraction * rows.length));
  return start <= 0 ? rows : [...rows.slice(start), ...rows.slice(0, start)];
}
