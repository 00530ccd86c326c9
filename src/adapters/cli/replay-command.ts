import type { Command } from "commander";
import { ColonyError, InvalidArgumentError } from "../../domain/errors.js";
import { type ReplayMode, type ReplayOutcome, replay, UnknownWorkerError } from "../../runtime/agents/replay/replay.js";
import { colonyToolKit } from "../../runtime/agents/tool-kit.js";
import { ColonyHost } from "../http/colony-host.js";
import { providerFromEnv } from "../llm/provider-from-env.js";
import { openColonyStore } from "../open-colony-store.js";
import { type CliIo, writeChunk } from "./io.js";
import { dbOption, wholeNumber } from "./options.js";

interface ReplayOptions {
  readonly db: string;
  readonly from?: number;
  readonly mode: string;
  readonly json?: boolean;
}

export class ReplayDivergedError extends ColonyError<"replay_diverged"> {
  constructor(outcome: ReplayOutcome) {
    super(
      "replay_diverged",
      `the recorded replay of ${outcome.originalWorkerId} did not reproduce it (${outcome.divergences.length} divergences)`,
      { workerId: outcome.workerId, divergences: outcome.divergences.length },
    );
  }
}

export function addReplayCommand(program: Command, io: CliIo): void {
  program
    .command("replay")
    .description("run a worker again from a checkpoint of its conversation: answered from the record, or live")
    .argument("<worker>", "the worker id")
    .addOption(dbOption())
    .option(
      "--from <version>",
      "the version of its conversation to fork at (default: its task message)",
      wholeNumber(0, Number.MAX_SAFE_INTEGER, "versions"),
    )
    .option(
      "--mode <mode>",
      "recorded (the model and tools answer from the original run) or live (COLONY_MODEL)",
      "recorded",
    )
    .option("--json", "the outcome as one JSON object")
    .addHelpText(
      "after",
      `
The replay forks the worker's conversation at --from and runs a new worker of the same colony on
it, with the colony's tools. Recorded mode calls no model and re-runs no tool: it reports every
point where the replay asks for what the record cannot answer alike (a divergence, with both
sides), and exits 1 when the outcome is not reproduced. Live mode calls COLONY_MODEL again.

Example:
  colony replay 01a234c9-2c5f-7000-b91f-b7a63415df78 --db .colony/demo.db --from 19
`,
    )
    .action(async (workerId: string, options: ReplayOptions) => {
      if (options.mode !== "recorded" && options.mode !== "live") {
        throw new InvalidArgumentError("--mode", `expected recorded or live, got ${JSON.stringify(options.mode)}`);
      }
      const mode: ReplayMode = options.mode;
      const model = mode === "live" ? providerFromEnv() : undefined;
      if (mode === "live" && !model)
        throw new InvalidArgumentError("--mode", "a live replay needs COLONY_MODEL (openai:MODEL or anthropic:MODEL)");
      const outcome = await replayWorker(options.db, workerId, mode, options.from, model);
      await writeChunk(io.stdout, `${options.json ? JSON.stringify(outcome) : describe(outcome)}\n`);
      if (mode === "recorded" && !outcome.reproduced) throw new ReplayDivergedError(outcome);
    });
}

async function replayWorker(
  dbPath: string,
  workerId: string,
  mode: ReplayMode,
  fromVersion: number | undefined,
  model: ReturnType<typeof providerFromEnv>,
): Promise<ReplayOutcome> {
  const host = ColonyHost.over(await openColonyStore(dbPath, { mustExist: true }), model ? { model } : {});
  try {
    const worker = await host.readModels
      .selectFrom("workers")
      .select("colony_id")
      .where("id", "=", workerId)
      .executeTakeFirst();
    if (!worker) throw new UnknownWorkerError(workerId);
    const colonyId = worker.colony_id as string;
    // The tools the colony's workers had: its files where its profile says they are.
    const filesRoot = String((await host.colonyProfile(colonyId))?.inputData.files_root ?? process.cwd());
    const kit = colonyToolKit({ filesRoot, ledger: host.ledger, colonyId });
    return await replay(
      {
        runtime: await host.runtime(colonyId),
        conversations: host.conversations,
        readModels: host.readModels,
        ids: host.ids,
        tools: (w) => kit.worker(w.workerId),
        ...(model ? { model } : {}),
      },
      workerId,
      { mode, ...(fromVersion === undefined ? {} : { fromVersion }) },
    );
  } finally {
    await host.close();
  }
}

function describe(outcome: ReplayOutcome): string {
  const lines = [
    `${outcome.mode} replay of worker ${outcome.originalWorkerId} from version ${outcome.fromVersion}: worker ${outcome.workerId}, conversation ${outcome.conversationId}`,
    `  original: ${outcome.original.status ?? "(no report)"}  "${outcome.original.summary ?? ""}"`,
    `  replay:   ${outcome.report.status}  "${outcome.report.summary}"`,
    outcome.mode === "recorded"
      ? `  ${outcome.reproduced ? "reproduced" : "NOT reproduced"}; ${outcome.divergences.length} divergences`
      : "  live: the model was called again",
  ];
  for (const d of outcome.divergences) {
    lines.push(`  divergence at model call ${d.call} (${d.kind}): ${d.message}`);
    lines.push(`    recorded: ${JSON.stringify(d.recorded)}`);
    lines.push(`    now:      ${JSON.stringify(d.now)}`);
  }
  return lines.join("\n");
}
