import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { openColonyDatabase, type SqliteColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { systemTimers } from "../../../src/adapters/system/system-timers.js";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import { sessionDecider } from "../../../src/domain/deciders/session.js";
import type { EventStore } from "../../../src/domain/ports/event-store.js";
import { ColonyRuntime } from "../../../src/runtime/colony/index.js";
import { handleCommand } from "../../../src/runtime/command-handler.js";
import { ConversationLog } from "../../../src/runtime/conversations/conversation-log.js";
import {
  DelegationService,
  type DelegationServiceOptions,
  type ParentTurns,
} from "../../../src/runtime/delegation/index.js";
import { ManualParent } from "./manual-parent.js";

export const SESSION = "s1";
export const SESSION_STREAM = `session-${SESSION}`;
export const CONVERSATION = "queen-c";
export const LIMITS = { maxContextTokens: 100_000, compactionBufferTokens: 2_000, compactionRatio: 0.1 };

/**
 * Opens a colony database on `file` with the conversations projection folded inline, as the
 * delegation service's ConversationLog needs. Several processes write the file in the crash
 * test: wait for the write lock rather than fail.
 */
export function openDelegationDatabase(file: string): Promise<SqliteColonyDatabase> {
  return openColonyDatabase(file, { inline: ["conversations"], busyTimeoutMs: 30_000, warn: () => {} });
}

/** A started session `s1` whose queen talks in conversation `queen-c`, with one exchange in it. */
export async function startSession(db: SqliteColonyDatabase): Promise<void> {
  const conversations = new ConversationLog(db.events, db.readModels as never);
  await conversations.start(CONVERSATION, { kind: "queen", id: "q1" }, "You are the queen.", LIMITS);
  await conversations.append(
    CONVERSATION,
    { role: "user", content: "Read the three papers and tell me what they agree on.", flags: { clientInput: true } },
    { role: "assistant", content: "I will have them read in the background." },
  );
  await handleCommand(db.events, sessionDecider, SESSION_STREAM, {
    type: "StartSession",
    sessionId: SESSION,
    queenId: "q1",
    conversationId: CONVERSATION,
    colonyId: null,
    phase: "independent",
    provenance: { kind: "new" },
  });
}

export interface ServiceOverrides extends Partial<Omit<DelegationServiceOptions, "store">> {
  /** Wraps the database's store (to intercept appends). */
  readonly store?: (events: EventStore) => EventStore;
}

export interface RuntimeOverrides {
  readonly colonyId?: string;
  readonly maxResurrections?: number;
}

export interface DelegationFixture {
  readonly file: string;
  readonly db: SqliteColonyDatabase;
  readonly runtime: ColonyRuntime;
  readonly conversations: ConversationLog;
  readonly parent: ManualParent;
  readonly service: DelegationService;
  /** What the services' onError heard. */
  readonly errors: unknown[];
}

/**
 * Delegation services over real SQLite files in temp dirs, each with its own colony runtime
 * (system clock and timers, no resurrection cooldown) and session. Everything opened is closed
 * (services first, which interrupts their children) and removed after each test, except what a
 * test abandons as a killed process would leave it. Call at a test file's top level.
 */
export function delegationFixtures() {
  const services: DelegationService[] = [];
  const runtimes: ColonyRuntime[] = [];
  const dbs: SqliteColonyDatabase[] = [];
  const dirs: string[] = [];
  const ids = new UuidV7Generator();
  afterEach(async () => {
    for (const service of services.splice(0)) await service.close();
    for (const runtime of runtimes.splice(0)) await runtime.close();
    for (const db of dbs.splice(0)) await db.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const database = async (file: string) => {
    const db = await openDelegationDatabase(file);
    dbs.push(db);
    return db;
  };

  const runtimeOn = async (db: SqliteColonyDatabase, overrides: RuntimeOverrides = {}) => {
    const runtime = await ColonyRuntime.open(db.events, {
      colonyId: overrides.colonyId ?? "c1",
      clock: systemClock,
      timers: systemTimers,
      ids,
      resurrectionCooldownMs: 0,
      ...(overrides.maxResurrections !== undefined ? { maxResurrections: overrides.maxResurrections } : {}),
    });
    runtimes.push(runtime);
    return runtime;
  };

  const serviceOn = async (
    db: SqliteColonyDatabase,
    runtime: ColonyRuntime,
    parent: ParentTurns,
    errors: unknown[],
    overrides: ServiceOverrides = {},
  ) => {
    const { store, ...rest } = overrides;
    const service = await DelegationService.open({
      store: store ? store(db.events) : db.events,
      conversations: new ConversationLog(db.events, db.readModels as never),
      runtime,
      parent,
      sessionId: SESSION,
      ids,
      onError: (error) => errors.push(error),
      ...rest,
    });
    services.push(service);
    return service;
  };

  const assemble = async (
    file: string,
    db: SqliteColonyDatabase,
    options: { idle?: boolean; runtime?: RuntimeOverrides; service?: ServiceOverrides },
  ): Promise<DelegationFixture> => {
    const runtime = await runtimeOn(db, options.runtime);
    const parent = new ManualParent(options.idle ?? false);
    const errors: unknown[] = [];
    const service = await serviceOn(db, runtime, parent, errors, options.service);
    return {
      file,
      db,
      runtime,
      conversations: new ConversationLog(db.events, db.readModels as never),
      parent,
      service,
      errors,
    };
  };

  return {
    /** A fresh file with the session started; the parent is busy unless `idle`. */
    async open(options: { idle?: boolean; runtime?: RuntimeOverrides; service?: ServiceOverrides } = {}) {
      const dir = mkdtempSync(join(tmpdir(), "colonylog-delegation-"));
      dirs.push(dir);
      const file = join(dir, "colony.db");
      const db = await database(file);
      await startSession(db);
      return assemble(file, db, options);
    },
    /** Opens the file again, as a restarted process would: a new connection, runtime and service. */
    async restart(
      file: string,
      options: { idle?: boolean; runtime?: RuntimeOverrides; service?: ServiceOverrides } = {},
    ) {
      return assemble(file, await database(file), options);
    },
    /** A temp file with the session started, closed again, for another process to open. */
    async prepareFile(): Promise<string> {
      const dir = mkdtempSync(join(tmpdir(), "colonylog-delegation-"));
      dirs.push(dir);
      const file = join(dir, "colony.db");
      const db = await openDelegationDatabase(file);
      await startSession(db);
      await db.close();
      return file;
    },
    /** Another service on the same session, database and runtime. */
    service: (
      fixture: DelegationFixture,
      parent: ParentTurns,
      overrides: ServiceOverrides = {},
      errors: unknown[] = fixture.errors,
    ) => serviceOn(fixture.db, fixture.runtime, parent, errors, overrides),
    runtime: runtimeOn,
    database,
    /**
     * Leaves a service and its runtime as a killed process would: never closed, so what they
     * left unfinished stays unfinished in the log.
     */
    abandon(fixture: DelegationFixture): void {
      services.splice(services.indexOf(fixture.service), 1);
      runtimes.splice(runtimes.indexOf(fixture.runtime), 1);
    },
  };
}

/** The session's events, type and data, in order. */
export async function sessionEvents(
  db: SqliteColonyDatabase,
): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const events: { type: string; data: Record<string, unknown> }[] = [];
  for await (const event of db.events.readStream(SESSION_STREAM)) {
    events.push({ type: event.type, data: event.data as Record<string, unknown> });
  }
  return events;
}

export async function sessionEventsOfType(db: SqliteColonyDatabase, type: string): Promise<Record<string, unknown>[]> {
  return (await sessionEvents(db)).filter((e) => e.type === type).map((e) => e.data);
}

/** The parts of the queen's conversation, as its history reads them. */
export async function conversationParts(db: SqliteColonyDatabase) {
  const conversations = new ConversationLog(db.events, db.readModels as never);
  return (await conversations.history(CONVERSATION)).parts;
}

/** The parts the delegation service delivered: user parts flagged as triggers. */
export async function deliveredParts(db: SqliteColonyDatabase) {
  return (await conversationParts(db)).filter((p) => p.role === "user" && p.flags?.trigger === true);
}
