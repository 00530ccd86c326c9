import type { Command } from "commander";
import type { Kysely } from "kysely";
import { ColonyError } from "../../domain/errors.js";
import type { ConversationsReadModel } from "../../projections/conversations/conversations-projection.js";
import { ConversationLog, type Owner } from "../../runtime/conversations/conversation-log.js";
import { openColonyStore } from "../open-colony-store.js";
import { UuidV7Generator } from "../system/uuid-v7.js";
import { type CliIo, writeChunk } from "./io.js";
import { dbOption, wholeNumber } from "./options.js";

export interface ForkOptions {
  readonly db: string;
  readonly at: number;
  readonly json?: boolean;
}

/**
 * A fork made by hand is nobody's agent yet: it is owned by the pseudo-session `cli`, and its
 * events name `cli` as their actor, so the log tells it apart from the runtime's own forks.
 */
export const CLI_OWNER: Owner = { kind: "session", id: "cli" };
const CLI_ACTOR = "cli";

export class ForkPastHeadError extends ColonyError<"fork_past_head"> {
  constructor(conversationId: string, version: number, head: number) {
    super(
      "fork_past_head",
      `conversation ${conversationId} has no version ${version} (its last is version ${head}); nothing was appended`,
      { conversationId, version, head },
    );
  }
}

export function addForkCommand(program: Command, io: CliIo): void {
  program
    .command("fork")
    .description("fork a conversation at a version of its stream: one ConversationForked event, nothing copied")
    .argument("<conversation>", "the conversation id (the stream is conversation-<id>)")
    .requiredOption(
      "--at <version>",
      "the last version of the conversation the fork inherits (0 = its first event)",
      wholeNumber(0, Number.MAX_SAFE_INTEGER, "versions"),
    )
    .addOption(dbOption())
    .option("--json", "print {conversationId, parentConversationId, parentVersion, position} as one JSON object")
    .addHelpText(
      "after",
      `
Prints the new conversation's id, and nothing else, so a script can take it:
the fork reads its parent up to --at and adds nothing of its own yet. It is owned by the
session "cli" (no agent runs it until one is pointed at it). A version past the conversation's
last, or an unknown conversation, exits 1 with nothing appended.

Example:
  id=$(colony fork 01a234c9-2c5f-7001-85aa-089c78598e9a --at 19 --db .colony/demo.db)
  colony diff 01a234c9-2c5f-7001-85aa-089c78598e9a "$id" --db .colony/demo.db
`,
    )
    .action(async (conversationId: string, options: ForkOptions) => {
      await runFork(conversationId, options, io);
    });
}

export async function runFork(parentId: string, options: ForkOptions, io: CliIo): Promise<void> {
  const db = await openColonyStore(options.db, { mustExist: true });
  try {
    const conversations = new ConversationLog(db.events, db.readModels as unknown as Kysely<ConversationsReadModel>, {
      actor: CLI_ACTOR,
    });
    // A conversation only grows, so a version at or below the head read here stays valid.
    const head = await conversations.head(parentId);
    if (options.at > head.version) throw new ForkPastHeadError(parentId, options.at, head.version);
    const conversationId = new UuidV7Generator().uuid();
    const position = await conversations.forkAt(
      conversationId,
      parentId,
      CLI_OWNER,
      `colony fork at version ${options.at}`,
      options.at,
    );
    const text = options.json
      ? JSON.stringify({
          conversationId,
          parentConversationId: parentId,
          parentVersion: options.at,
          position: Number(position),
        })
      : conversationId;
    await writeChunk(io.stdout, `${text}\n`);
  } finally {
    await db.close();
  }
}
