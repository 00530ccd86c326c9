import type { LlmProvider } from "../../../domain/ports/llm-provider.js";
import { agentBrain } from "../../../runtime/agents/agent-brain.js";
import { taskMessage } from "../../../runtime/agents/spawn-forked.js";
import type { ToolRegistry } from "../../../runtime/agents/tool.js";
import { colonyToolKit } from "../../../runtime/agents/tool-kit.js";
import type { WorkerBrain, WorkerContext } from "../../../runtime/colony/index.js";
import { triggerPortsFor } from "../../../runtime/colony-triggers.js";
import { UnknownConversationError } from "../../../runtime/conversations/conversation-log.js";
import { DEFAULT_LIMITS } from "../../../runtime/sessions/start-session.js";
import { TriggerService } from "../../../runtime/triggers/trigger-service.js";
import { systemClock } from "../../system/system-clock.js";
import { systemTimers } from "../../system/system-timers.js";
import type { ColonyHost } from "../colony-host.js";
import { noModel } from "./session-lookup.js";

/**
 * What the session routes run a colony's workers with, made one way for every route: the agent
 * loop on the host's model, the colony's worker tools, and the colony's trigger service.
 */
export class ColonyWork {
  private readonly triggerServices = new Map<string, Promise<TriggerService>>();

  constructor(private readonly host: ColonyHost) {}

  get filesRoot(): string {
    return this.host.options.filesRoot ?? process.cwd();
  }

  get hasModel(): boolean {
    return this.host.options.model !== undefined;
  }

  /** The host's model; refused (409 no_model) with `what` named when the server has none. */
  model(what: string): LlmProvider {
    const model = this.host.options.model;
    if (!model) throw noModel(what);
    return model;
  }

  /** A worker's tools: what it inherits from the queen and its ledger tools, bound to it. */
  workerTools(colonyId: string): (worker: WorkerContext) => ToolRegistry {
    const kit = colonyToolKit({ filesRoot: this.filesRoot, ledger: this.host.ledger, colonyId });
    return (worker) => kit.worker(worker.workerId);
  }

  /** The agent loop as the colony's workers' brain, compacting before a call when the context nears its limit. */
  brain(colonyId: string): WorkerBrain {
    return agentBrain({
      conversations: this.host.conversations,
      model: this.model("a worker"),
      tools: this.workerTools(colonyId),
      compactor: this.host.compactor,
      bus: this.host.bus,
    });
  }

  /**
   * A fired worker's brain. A firing spawns a worker without a conversation, so the first attempt
   * makes one, as the original forked the colony's queen conversation into a triggered worker:
   * a fork of what the colony inherited, then the task with the firing's input.
   */
  firedBrain(colonyId: string): WorkerBrain {
    const brain = this.brain(colonyId);
    return async (worker) => {
      await this.ensureConversation(colonyId, worker);
      return brain(worker);
    };
  }

  /** The colony's triggers, one service per colony in this process. Its timers are not started here. */
  triggers(colonyId: string): Promise<TriggerService> {
    let service = this.triggerServices.get(colonyId);
    if (!service) {
      service = this.host.runtime(colonyId).then((runtime) => {
        const ports = triggerPortsFor(runtime, () => this.firedBrain(colonyId));
        return new TriggerService({
          store: this.host.db.events,
          colonyId,
          spawn: ports.spawn,
          isBusy: ports.isBusy,
          clock: systemClock,
          ids: this.host.ids,
          timers: systemTimers,
        });
      });
      this.triggerServices.set(colonyId, service);
      service.catch(() => this.triggerServices.delete(colonyId));
    }
    return service;
  }

  async close(): Promise<void> {
    for (const service of this.triggerServices.values()) await (await service.catch(() => undefined))?.stop();
    this.triggerServices.clear();
  }

  /** Idempotent across attempts: a resurrected worker finds its conversation, and its task, there. */
  private async ensureConversation(colonyId: string, worker: WorkerContext): Promise<void> {
    const { conversations } = this.host;
    const id = worker.conversationId;
    if (!(await this.exists(id))) {
      const parent = await this.inheritedConversation(colonyId);
      const owner = { kind: "worker" as const, id: worker.workerId };
      if (parent) {
        await conversations.forkAt(id, parent.conversationId, owner, "trigger", parent.version);
      } else {
        await conversations.start(id, owner, worker.profile.systemPrompt, DEFAULT_LIMITS);
      }
    }
    const own = await this.host.readModels
      .selectFrom("conversation_parts")
      .select("seq")
      .where("conversation_id", "=", id)
      .executeTakeFirst();
    if (own) return;
    const input = Object.keys(worker.input).length > 0 ? `\nInput data: ${JSON.stringify(worker.input)}` : "";
    await conversations.append(id, { role: "user", content: taskMessage(`${worker.task}${input}`) });
  }

  private async exists(conversationId: string): Promise<boolean> {
    try {
      await this.host.conversations.head(conversationId);
      return true;
    } catch (error) {
      if (error instanceof UnknownConversationError) return false;
      throw error;
    }
  }

  /**
   * The colony queen's conversation as the colony got it (the compacted fork of the person's),
   * before her own turns: a version with no tool call left without its result.
   */
  private async inheritedConversation(colonyId: string): Promise<{ conversationId: string; version: number } | null> {
    const session = await this.host.readModels
      .selectFrom("sessions")
      .select("conversation_id")
      .where("colony_id", "=", colonyId)
      .orderBy("started_at")
      .executeTakeFirst();
    if (!session) return null;
    const conversationId = session.conversation_id as string;
    const first = await this.host.readModels
      .selectFrom("conversation_parts")
      .select((eb) => eb.fn.min("version").as("version"))
      .where("conversation_id", "=", conversationId)
      .executeTakeFirst();
    const firstOwn = first?.version;
    const version =
      firstOwn === null || firstOwn === undefined
        ? (await this.host.conversations.head(conversationId)).version
        : Number(firstOwn) - 1;
    return { conversationId, version };
  }
}
