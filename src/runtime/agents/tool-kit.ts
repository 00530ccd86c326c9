import type { TaskLedger } from "../ledger/task-ledger.js";
import { ToolRegistry } from "./tool.js";
import { fileTools } from "./tools/file-tools.js";
import { ledgerTools } from "./tools/ledger-tools.js";
import { type QueenToolDeps, queenTools } from "./tools/queen-tools.js";
import { escalate, reportToParent } from "./tools/report-tools.js";

export interface ColonyToolKit {
  /** The queen's: her own tools besides those she shares. */
  readonly queen: ToolRegistry;
  /** A worker's: what it inherits from the queen (her own tools left out) and its ledger tools. */
  worker(workerId: string): ToolRegistry;
}

/**
 * The tools of a colony's agents, made one way for a run, a resumed run and a replay, so a
 * replay offers the tools the original had. `queen` is optional: a replay needs workers' only.
 */
export function colonyToolKit(options: {
  readonly filesRoot: string;
  readonly ledger: TaskLedger;
  readonly colonyId: string;
  readonly queen?: Omit<QueenToolDeps, "ledger" | "colonyId">;
}): ColonyToolKit {
  const shared = [...fileTools(options.filesRoot), reportToParent, escalate];
  const queen = new ToolRegistry([
    ...(options.queen ? queenTools({ ...options.queen, ledger: options.ledger, colonyId: options.colonyId }) : []),
    ...shared,
  ]);
  return {
    queen,
    worker: (workerId) => queen.inheritable().with(ledgerTools(options.ledger, options.colonyId, workerId)),
  };
}
