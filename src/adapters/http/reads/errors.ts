import { ColonyError } from "../../../domain/errors.js";

/** What the read routes find missing. Each code ends in `_not_found`, which the API answers with 404. */

export class ColonyNotFoundError extends ColonyError<"colony_not_found"> {
  constructor(colonyId: string) {
    super("colony_not_found", `no colony ${colonyId}`, { colony_id: colonyId });
  }
}

export class WorkerNotFoundError extends ColonyError<"worker_not_found"> {
  constructor(workerId: string) {
    super("worker_not_found", `no worker ${workerId}`, { worker_id: workerId });
  }
}

export class StreamNotFoundError extends ColonyError<"stream_not_found"> {
  constructor(streamId: string) {
    super("stream_not_found", `no stream ${streamId} in the log`, { stream_id: streamId });
  }
}

export class ConversationVersionNotFoundError extends ColonyError<"conversation_version_not_found"> {
  constructor(conversationId: string, version: number, lastVersion: number) {
    super(
      "conversation_version_not_found",
      `conversation ${conversationId} has no version ${version}; its last is ${lastVersion}`,
      { conversation_id: conversationId, version, last_version: lastVersion },
    );
  }
}
