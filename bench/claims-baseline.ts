import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";

/**
 * The original runtime's task ledger as its workers used it (reference: progress_db.py): one
 * plain SQLite file with its `tasks` table, indexes and pragmas; the seed one `BEGIN IMMEDIATE`
 * transaction of INSERTs; each claim the atomic `UPDATE ... WHERE id = (SELECT ... LIMIT 1)
 * RETURNING` in its own `BEGIN IMMEDIATE`, each completion an UPDATE guarded by the claim token
 * in its own. No log, no history: the row is all there is.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, seq INTEGER, priority INTEGER NOT NULL DEFAULT 0, goal TEXT NOT NULL, payload TEXT,
  status TEXT NOT NULL DEFAULT 'pending', worker_id TEXT, claim_token TEXT, claimed_at TEXT, started_at TEXT,
  completed_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retry_count INTEGER NOT NULL DEFAULT 0,
  max_retries INTEGER NOT NULL DEFAULT 3, last_error TEXT,
  parent_task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL, source TEXT
);
CREATE INDEX IF NOT EXISTS idx_tasks_claimable ON tasks(status, priority DESC, seq, created_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS idx_tasks_status ON tasks(status, updated_at);
`;
const PRAGMAS = ["journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "busy_timeout = 5000"];

export interface BaselineTask {
  readonly goal: string;
  readonly priority: number;
}

interface ClaimedRow {
  readonly id: string;
  readonly goal: string;
  readonly payload: string | null;
  readonly claim_token: string;
}

export class OriginalLedger {
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly claimNext: Database.Statement;
  private readonly complete: Database.Statement;

  private constructor(private readonly db: Database.Database) {
    this.begin = db.prepare("BEGIN IMMEDIATE");
    this.commit = db.prepare("COMMIT");
    this.rollback = db.prepare("ROLLBACK");
    this.claimNext = db.prepare(
      `UPDATE tasks SET status = 'claimed', worker_id = ?, claim_token = ?, claimed_at = ?, updated_at = ?
       WHERE id = (SELECT id FROM tasks WHERE status = 'pending' ORDER BY priority DESC, seq, created_at LIMIT 1)
       RETURNING id, goal, payload, claim_token`,
    );
    this.complete = db.prepare(
      `UPDATE tasks SET status = 'done', completed_at = ?, updated_at = ?
       WHERE id = ? AND claim_token = ? AND status IN ('claimed', 'in_progress')`,
    );
  }

  static open(file: string): OriginalLedger {
    const db = new Database(file);
    for (const pragma of PRAGMAS) db.pragma(pragma);
    db.exec(SCHEMA);
    return new OriginalLedger(db);
  }

  /** The original's seed_tasks: every row in one immediate transaction. */
  seed(tasks: readonly BaselineTask[]): void {
    const now = new Date().toISOString();
    const insert = this.db.prepare(
      `INSERT INTO tasks (id, seq, priority, goal, payload, status, created_at, updated_at, max_retries, parent_task_id, source)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
    );
    this.inTransaction(() => {
      tasks.forEach((task, seq) => {
        insert.run(randomUUID(), seq, task.priority, task.goal, null, now, now, 3, null, "queen_create");
      });
    });
  }

  /** The atomic claim: the winner gets the row, a racer finds none. */
  claim(workerId: string): ClaimedRow | undefined {
    return this.inTransaction(() => {
      const at = new Date().toISOString();
      return this.claimNext.get(workerId, randomUUID(), at, at) as ClaimedRow | undefined;
    });
  }

  /** Marks a claimed task done, if the claim token is still the holder's. */
  completeTask(row: ClaimedRow): void {
    const changed = this.inTransaction(() => {
      const at = new Date().toISOString();
      return this.complete.run(at, at, row.id, row.claim_token).changes;
    });
    if (changed !== 1) throw new Error(`baseline: task ${row.id} was not completed`);
  }

  count(status: string): number {
    return (this.db.prepare("SELECT count(*) AS n FROM tasks WHERE status = ?").get(status) as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private inTransaction<T>(work: () => T): T {
    this.begin.run();
    try {
      const result = work();
      this.commit.run();
      return result;
    } catch (error) {
      this.rollback.run();
      throw error;
    }
  }
}
