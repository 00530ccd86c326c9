import type { Kysely } from "kysely";
import type { LlmProvider } from "../../domain/ports/llm-provider.js";
import { ColonyRuntime } from "../../runtime/colony/index.js";
import type { Profile } from "../../runtime/colony/worker-brain.js";
import { Compactor } from "../../runtime/compaction/compactor.js";
import { ConversationLog } from "../../runtime/conversations/conversation-log.js";
import { TaskLedger } from "../../runtime/ledger/task-ledger.js";
import { LiveBus } from "../../runtime/live-bus.js";
import type { SessionContext } from "../../runtime/sessions/session-context.js";
import type { ColonyDatabase } from "../colony-database.js";
import { openColonyStore } from "../open-colony-store.js";
import type { StoreLocation } from "../store-location.js";
import { systemClock } from "../system/system-clock.js";
import { systemTimers } from "../system/system-timers.js";
import { UuidV7Generator } from "../system/uuid-v7.js";

export interface ColonyHostOptions {
  /** The model the queens and workers run on; none: the routes that need one refuse. */
  readonly model?: LlmProvider;
  /** The folder the agents' file tools read (default: the working directory). */
  readonly filesRoot?: string;
}

/**
 * Everything the command API works on, over one database (the composition root of `colony
 * serve`): the log with every read model folded inline (the routes read their writes back at
 * once), the conversations, the ledger, the compactor, the session operations, the live bus, and
 * one colony runtime per colony, opened when first needed and closed with the host.
 */
export class ColonyHost {
  readonly ids = new UuidV7Generator();
  readonly bus = new LiveBus();
  readonly conversations: ConversationLog;
  readonly ledger: TaskLedger;
  readonly compactor: Compactor;
  readonly sessions: SessionContext;
  private readonly runtimes = new Map<string, Promise<ColonyRuntime>>();
  private readonly closers: (() => Promise<void>)[] = [];

  /** Over the colony database `db` names: a SQLite file (created when missing) or a postgres:// URL. */
  static async open(db: string | StoreLocation, options: ColonyHostOptions = {}): Promise<ColonyHost> {
    return ColonyHost.over(await openColonyStore(db, { mustExist: false }), options);
  }

  /** Over a database already open, which must fold every projection inline. */
  static over(db: ColonyDatabase, options: ColonyHostOptions = {}): ColonyHost {
    return new ColonyHost(db, options);
  }

  private constructor(
    readonly db: ColonyDatabase,
    readonly options: ColonyHostOptions,
  ) {
    this.conversations = new ConversationLog(db.events, this.readModels);
    this.ledger = new TaskLedger(db, { clock: systemClock, ids: this.ids });
    this.compactor = new Compactor({
      events: db.events,
      conversations: this.conversations,
      readModels: this.readModels,
      provider: options.model ?? null,
      clock: systemClock,
      timers: systemTimers,
    });
    this.sessions = {
      events: db.events,
      readModels: this.readModels,
      conversations: this.conversations,
      compactor: this.compactor,
      ids: this.ids,
    };
  }

  /**
   * Every read model, for services that each type only the tables they read (Kysely's table map
   * is invariant, so the full one is handed to them as theirs).
   */
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  get readModels(): Kysely<any> {
    return this.db.readModels;
  }

  /** The worker profile the colony was created with (or last updated to); undefined for an unknown colony. */
  async colonyProfile(colonyId: string): Promise<Profile | undefined> {
    const row = await this.readModels
      .selectFrom("colonies")
      .select("worker_profile")
      .where("id", "=", colonyId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.worker_profile as string) as Profile) : undefined;
  }

  /** The colony's runtime, opened on first use with the colony's worker profile. */
  runtime(colonyId: string): Promise<ColonyRuntime> {
    let runtime = this.runtimes.get(colonyId);
    if (!runtime) {
      runtime = (async () => {
        const profile = await this.colonyProfile(colonyId);
        return ColonyRuntime.open(this.db.events, {
          colonyId,
          clock: systemClock,
          ids: this.ids,
          timers: systemTimers,
          ...(profile ? { defaultProfile: profile } : {}),
        });
      })();
      this.runtimes.set(colonyId, runtime);
      runtime.catch(() => this.runtimes.delete(colonyId));
    }
    return runtime;
  }

  /**
   * Work the routes keep over this host (queen turns, delegations) is closed with it, latest
   * first, before the runtimes and the database it still writes to.
   */
  onClose(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    let failure: unknown;
    for (const closer of this.closers.splice(0).reverse()) {
      // One failing closer must not leave the runtimes and the database open.
      await closer().catch((error: unknown) => {
        failure ??= error;
      });
    }
    for (const runtime of this.runtimes.values()) await (await runtime.catch(() => undefined))?.close();
    this.runtimes.clear();
    await this.db.close();
    if (failure !== undefined) throw failure;
  }
}
