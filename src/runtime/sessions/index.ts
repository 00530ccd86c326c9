export { type ColonySpawnResult, colonySpawn } from "./colony-spawn.js";
export { type ColonySpawnInput, type ColonySpawnRequest, parseColonySpawn } from "./colony-spawn-input.js";
export { type CompactAndForkOptions, type CompactAndForkResult, compactAndFork } from "./compact-and-fork.js";
export { type LoadedSession, loadSession } from "./load-session.js";
export { QueenSessions } from "./queen-sessions.js";
export type { SessionContext, SessionReadModels } from "./session-context.js";
export { DEFAULT_LIMITS, type StartedSession, type StartSessionInput, startSession } from "./start-session.js";
