import type { Command } from "commander";
import { allProjections } from "../../../projections/read-models.js";
import { openStoredLog } from "../../open-log.js";
import { type CliIo, writeChunk } from "../io.js";
import { dbOption, parsePosition } from "../options.js";
import { UnknownIdError } from "./errors.js";
import { type Inspector, inspectors } from "./inspectors.js";
import { openReadPoint, whereText } from "./read-point.js";
import { formatHistory, historyJson, streamHistory } from "./stream-history.js";
import { cut, DEFAULT_WIDTH } from "./text.js";

export interface InspectOptions {
  readonly db: string;
  readonly at?: bigint;
  readonly json?: boolean;
}

/** `colony inspect colony|session|worker|task ID`, beside `inspect conversation`. */
export function addEntityInspectors(inspect: Command, io: CliIo): void {
  for (const inspector of inspectors) {
    inspect
      .command(inspector.kind)
      .description(inspector.description)
      .argument("<id>", inspector.argument)
      .addOption(dbOption())
      .option("--at <position>", "as it was at this global position (folds the log up to it, in memory)", parsePosition)
      .option("--json", "one JSON object: the read-model rows, the stream's events, the position read at")
      .addHelpText("after", inspector.help)
      .action(async (id: string, options: InspectOptions) => {
        await runInspect(inspector as Inspector<unknown>, id, options, io);
      });
  }
}

export async function runInspect<V>(inspector: Inspector<V>, id: string, options: InspectOptions, io: CliIo) {
  const projections = allProjections.filter((p) => inspector.projections.includes(p.name));
  const log = await openStoredLog(options.db, { mustExist: true });
  try {
    const point = await openReadPoint(log, projections, options.at, io);
    try {
      const view = await inspector.load(point.readModels, id);
      if (view === undefined) throw new UnknownIdError(inspector.kind, id, options.at);
      const stream = inspector.streamId(view);
      const history = await streamHistory(log.events, stream, point.position);
      if (options.json) {
        const json = {
          position: Number(point.position),
          head: Number(point.head),
          ...inspector.json(view, history),
          history: historyJson(history),
        };
        await writeChunk(io.stdout, `${JSON.stringify(json)}\n`);
        return;
      }
      const width = io.columns ?? DEFAULT_WIDTH;
      const lines = [
        ...inspector.format(view, history, whereText(options.at, point.head), width),
        ...formatHistory(stream, history, width),
      ];
      await writeChunk(io.stdout, `${lines.map((line) => cut(line, width)).join("\n")}\n`);
    } finally {
      await point.close();
    }
  } finally {
    await log.close();
  }
}
