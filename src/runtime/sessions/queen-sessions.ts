import { type ColonySpawnResult, colonySpawn } from "./colony-spawn.js";
import type { ColonySpawnInput } from "./colony-spawn-input.js";
import { type CompactAndForkOptions, type CompactAndForkResult, compactAndFork } from "./compact-and-fork.js";
import type { SessionContext } from "./session-context.js";
import { type StartedSession, type StartSessionInput, startSession } from "./start-session.js";

/** The queen's session operations over one context (see SessionContext for what it needs). */
export class QueenSessions {
  constructor(private readonly context: SessionContext) {}

  startSession(input: StartSessionInput): Promise<StartedSession> {
    return startSession(this.context, input);
  }

  colonySpawn(sessionId: string, input: ColonySpawnInput): Promise<ColonySpawnResult> {
    return colonySpawn(this.context, sessionId, input);
  }

  compactAndFork(sessionId: string, options?: CompactAndForkOptions): Promise<CompactAndForkResult> {
    return compactAndFork(this.context, sessionId, options);
  }
}
