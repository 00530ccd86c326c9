import { conversationsRegistered } from "./conversation-database.js";
import { forkCostRows } from "./fork-cost.js";
import { liveContextRows } from "./live-context-read.js";
import { notice } from "./notice.js";
import { rebuildRows } from "./rebuild.js";
import type { BenchRow } from "./row.js";
import { withScratchDir } from "./scratch-dir.js";
import { storageRows } from "./storage.js";

/**
 * The projections suite (DESIGN §4-5, issue 3 item 7): rebuilding every read model from a
 * million events, reading a forked conversation's live context, the cost of a fork, and what a
 * conversation takes on disk, each beside a baseline measured in the same run. Every ratio is
 * value / baseline; where the unit says "lower is better", a ratio under 1 is the better side.
 */
export async function run(): Promise<BenchRow[]> {
  return withScratchDir("colonylog-bench-projections-", async (dir) => {
    const rows: BenchRow[] = [];
    rows.push(...(await rebuildRows(dir)));
    if (conversationsRegistered()) {
      rows.push(...(await liveContextRows(dir)));
      rows.push(...(await forkCostRows(dir)));
    } else {
      notice("live-context and fork rows skipped: the conversations projection is not registered in allProjections");
    }
    rows.push(...(await storageRows(dir)));
    return rows;
  });
}
