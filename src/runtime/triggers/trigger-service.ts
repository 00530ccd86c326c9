import {
  type ColonyCommand,
  type ColonyState,
  colonyDecider,
  parseColonyCommand,
} from "../../domain/deciders/colony.js";
import { CommandRefusedError, refuse } from "../../domain/deciders/refusal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import type { IdGenerator } from "../../domain/ports/id-generator.js";
import type { Timers } from "../../domain/ports/timers.js";
import { streamId } from "../../domain/stream-id.js";
import { Serial } from "../colony/serial.js";
import { handleCommand } from "../command-handler.js";
import type { CachedStreamFold, FoldedStream } from "../stream-fold.js";
import { CompanionConflictError, withCompanionAppend } from "./companion-append.js";
import {
  FiringNotFoundError,
  SpawnContractError,
  UnknownWebhookRouteError,
  UnsignedWebhookFiringError,
  WebhookRouteTakenError,
  WebhookSecretUnavailableError,
} from "./errors.js";
import type { FireResult, InputData, SpawnWorker, TriggerFiring } from "./firing.js";
import { isLive, type KeyGeneration, nextGeneration, readKey } from "./idempotency-keys.js";
import { TimerLoop } from "./timer-loop.js";
import {
  type ColonyTriggers,
  colonyStreamId,
  colonyTriggersFold,
  eachFiring,
  type TimerConfig,
  type TriggerConfig,
  type TriggerDefinition,
} from "./trigger-definitions.js";
import { verifyWebhook, type WebhookBody } from "./webhook-signature.js";

/** The original runtime's default: a retried request within five minutes gets the first answer. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 300_000;

/** Rounds of "read the key, find it taken by a racer, read again" before giving up. */
const MAX_KEY_ROUNDS = 5;

export interface TriggerServiceOptions {
  readonly store: EventStore;
  readonly colonyId: string;
  /** Starts the firing's worker; see SpawnWorker for the idempotency it must provide. */
  readonly spawn: SpawnWorker;
  /** "Now" for key expiry and timer bookkeeping; give the store the same clock in tests. */
  readonly clock: Clock;
  /** Firing and worker ids. */
  readonly ids: IdGenerator;
  /** Whether the colony is busy; a timer tick while it is, is skipped. Defaults to never busy. */
  readonly isBusy?: () => boolean | Promise<boolean>;
  /** Runs the timer triggers' ticks, on the clock's time (systemTimers beside systemClock). */
  readonly timers: Timers;
  /** Resolves a webhook's `secretRef`. Defaults to the environment variable of that name. */
  readonly secrets?: (secretRef: string) => string | undefined;
  /**
   * Whether the worker of a recorded firing exists. Defaults to "its stream `worker-{id}` has an
   * event", which holds once the colony runtime's spawn has appended WorkerSpawned.
   */
  readonly workerExists?: (workerId: string) => Promise<boolean>;
  /** How long a recorded idempotency key answers retries. */
  readonly idempotencyTtlMs?: number;
  /** Told of every skipped timer tick, beside the counters of timerStats. */
  readonly onTimerSkipped?: (skip: TimerSkip) => void;
  /** A timer firing that failed (the tick is counted as failed; the timer keeps running). */
  readonly onTimerError?: (triggerId: string, error: unknown) => void;
}

export interface RegisterTrigger {
  readonly triggerId: string;
  readonly config: TriggerConfig;
  /** The instruction each firing's worker gets. */
  readonly task: string;
  readonly maxConcurrent?: number;
  readonly maxResurrections?: number;
}

export interface FireRequest {
  readonly inputData?: InputData;
  /** A retried request with the same key gets the first firing's worker instead of a new one. */
  readonly idempotencyKey?: string | null;
}

export interface WebhookRequest {
  readonly route: string;
  /** The body exactly as received: the signature covers these bytes. */
  readonly rawBody: WebhookBody;
  /** The `X-Hub-Signature-256`-style header: `sha256=<hex HMAC-SHA256 of the body>`. */
  readonly signatureHeader: string | null | undefined;
  /** E.g. the sender's delivery id, which it repeats when it retries. */
  readonly idempotencyKey?: string | null;
}

export type SkipReason = "busy" | "paused";

export interface TimerSkip {
  readonly triggerId: string;
  readonly reason: SkipReason;
  readonly at: Date;
}

/**
 * Ticks of one timer trigger since this service started it. A skipped tick is counted here, not
 * appended: nothing was decided and nothing changed, and a busy colony with a short interval would
 * otherwise fill its stream with non-events. Pauses themselves are in the log (TimersPaused).
 */
export interface TimerStats {
  fired: number;
  skippedBusy: number;
  skippedPaused: number;
  failed: number;
}

/**
 * The triggers of one colony (DESIGN §6): timer, webhook, api and manual. Every firing is a
 * TriggerFired event in the colony's stream, decided by the colony decider through the command
 * handler, and then a worker started through the `spawn` port.
 *
 * Idempotency. A firing may carry a key. The key's generation (see idempotency-keys.ts) is
 * appended in the same transaction as the TriggerFired, naming the worker id chosen before the
 * append; the key's stream is expected not to exist (or to be at the expired generation read), so
 * of any number of racing requests with the key exactly one appends, in this process or any
 * other. The others read the winner's generation and answer with its worker id.
 *
 * The crash window. Between that append and the spawn, the firing and its key are durable but no
 * worker exists. A retry with the key then finds the key live and its worker missing, reads the
 * recorded firing back from the colony's stream and spawns it under the recorded worker id
 * (outcome `recovered`). Concurrent retries in one process share one spawn call; across processes
 * the spawn port's idempotency on the worker id leaves one worker. A firing without a key has no
 * retry to recover it: after a crash in that window its TriggerFired names a worker that never
 * started, and nothing here starts it. Nor does anything start it once the key has expired: the
 * first request after the TTL fires a new firing with a new worker, as for any expired key.
 */
export class TriggerService {
  readonly colonyId: string;
  private readonly store: EventStore;
  private readonly colonyStream: string;
  private readonly timers: Timers;
  private readonly ttlMs: number;
  private readonly loops = new Map<string, TimerLoop>();
  private readonly stats = new Map<string, TimerStats>();
  /** Spawns under way in this process, by worker id: a concurrent retry waits for the one there. */
  private readonly spawning = new Map<string, Promise<string>>();
  /**
   * This process's writes to the colony's stream, one at a time; spawns run outside it.
   * Optimistic concurrency alone made a burst of N concurrent firings in one process cost O(N²)
   * reads and exhaust the command handler's bounded retries (50 concurrent firings lost 45 that
   * way). Writers in other processes still meet as version conflicts, which the handler retries.
   */
  private readonly writes = new Serial();
  /** The colony's stream folded so far: a firing reads only what was appended since the last. */
  private readonly colony: CachedStreamFold<ColonyTriggers>;
  private running = false;

  constructor(private readonly options: TriggerServiceOptions) {
    this.colonyId = options.colonyId;
    this.store = options.store;
    this.colonyStream = colonyStreamId(options.colonyId);
    this.colony = colonyTriggersFold(options.store, options.colonyId);
    this.timers = options.timers;
    this.ttlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    if (!Number.isFinite(this.ttlMs) || this.ttlMs <= 0) {
      throw new RangeError(`idempotencyTtlMs must be a positive number of milliseconds, got ${this.ttlMs}`);
    }
  }

  /** Starts the clocks of the colony's timer triggers. Triggers registered through this service later start too. */
  async start(): Promise<void> {
    if (this.running) return;
    const { colony, definitions } = await this.load();
    if (colony === null) throw refuse("colony_not_found", `colony ${this.colonyId} does not exist`);
    this.running = true;
    for (const definition of definitions.values()) this.startTimer(definition);
  }

  /** Stops every timer and waits for ticks in progress. Firings already started finish. */
  async stop(): Promise<void> {
    this.running = false;
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((loop) => loop.stop()));
  }

  async triggers(): Promise<TriggerDefinition[]> {
    return [...(await this.load()).definitions.values()];
  }

  async registerTrigger(spec: RegisterTrigger): Promise<TriggerDefinition> {
    const command = parseColonyCommand({
      type: "RegisterTrigger",
      triggerId: spec.triggerId,
      config: spec.config,
      task: spec.task,
      maxConcurrent: spec.maxConcurrent ?? 1,
      maxResurrections: spec.maxResurrections ?? 0,
    });
    if (command.type !== "RegisterTrigger") throw new TypeError("unreachable: parsed a RegisterTrigger");
    if (command.config.kind === "webhook") {
      const route = command.config.route;
      const taken = [...(await this.load()).definitions.values()].find(
        (d) => d.config.kind === "webhook" && d.config.route === route && d.triggerId !== command.triggerId,
      );
      if (taken) throw new WebhookRouteTakenError(this.colonyId, route, taken.triggerId);
    }
    await this.handle(command);
    const { type: _type, ...rest } = command;
    const definition: TriggerDefinition = { ...rest, kind: command.config.kind };
    if (this.running) this.startTimer(definition);
    return definition;
  }

  async removeTrigger(triggerId: string): Promise<void> {
    await this.handle(parseColonyCommand({ type: "RemoveTrigger", triggerId }));
    const loop = this.loops.get(triggerId);
    this.loops.delete(triggerId);
    await loop?.stop();
  }

  /** Timer ticks are skipped until resumed; webhook, api and manual firings still go through. */
  async pauseTimers(reason: string): Promise<void> {
    await this.handle(parseColonyCommand({ type: "PauseTimers", reason }));
  }

  async resumeTimers(): Promise<void> {
    await this.handle(parseColonyCommand({ type: "ResumeTimers" }));
  }

  timerStats(triggerId: string): TimerStats {
    return { ...this.statsOf(triggerId) };
  }

  /**
   * Fires an api, manual or timer trigger ("run now") with the given input. Webhook triggers fire
   * only through fireWebhook, so their signature cannot be bypassed.
   */
  async fire(triggerId: string, request: FireRequest = {}): Promise<FireResult> {
    const definition = (await this.load()).definitions.get(triggerId);
    if (definition === undefined) {
      // The decider's own refusal, raised before an id is drawn or a key read.
      throw refuse("unknown_trigger", `colony ${this.colonyId} has no trigger ${triggerId}`, {
        colonyId: this.colonyId,
        triggerId,
      });
    }
    if (definition.config.kind === "webhook") throw new UnsignedWebhookFiringError(this.colonyId, triggerId);
    return this.fireDefinition(definition, request.inputData ?? {}, request.idempotencyKey ?? null);
  }

  /**
   * A webhook request: finds the trigger by route, verifies the signature before anything else
   * (so a forged retry cannot even learn the first firing's worker id), then fires with the input
   * `{ event: { source: "webhook", route, body } }`, the body parsed as JSON when it is JSON.
   */
  async fireWebhook(request: WebhookRequest): Promise<FireResult> {
    const webhooks = [...(await this.load()).definitions.values()].filter((d) => d.config.kind === "webhook");
    const definition = webhooks.find((d) => d.config.kind === "webhook" && d.config.route === request.route);
    if (definition === undefined || definition.config.kind !== "webhook") {
      throw new UnknownWebhookRouteError(
        this.colonyId,
        request.route,
        webhooks.map((d) => (d.config.kind === "webhook" ? d.config.route : "")),
      );
    }
    const secretRef = definition.config.secretRef;
    const secret = (this.options.secrets ?? ((ref) => process.env[ref]))(secretRef);
    if (!secret) throw new WebhookSecretUnavailableError(this.colonyId, definition.triggerId, secretRef);
    verifyWebhook(this.colonyId, { triggerId: definition.triggerId, secret }, request.rawBody, request.signatureHeader);
    const inputData: InputData = {
      event: { source: "webhook", route: request.route, body: parseBody(request.rawBody) },
    };
    return this.fireDefinition(definition, inputData, request.idempotencyKey ?? null);
  }

  private async fireDefinition(
    definition: TriggerDefinition,
    inputData: InputData,
    idempotencyKey: string | null,
  ): Promise<FireResult> {
    // The worker id is chosen now, before anything is appended, so the key can name it.
    const workerId = this.options.ids.uuid();
    // Parsed first, so bad input (a non-JSON value, an empty key) is refused before the key is read.
    const command = parseColonyCommand({
      type: "FireTrigger",
      triggerId: definition.triggerId,
      firingId: this.options.ids.uuid(),
      workerId,
      inputData,
      idempotencyKey,
    });
    if (command.type !== "FireTrigger") throw new TypeError("unreachable: parsed a FireTrigger");
    const firing = this.firingOf(definition, command, workerId);
    if (command.idempotencyKey === null) return this.fireNew(command, firing, null);
    const key = command.idempotencyKey;
    for (let round = 1; ; round++) {
      const state = await readKey(this.store, this.colonyId, key);
      const now = this.options.clock.now();
      if (state.current !== null && isLive(state.current, now)) return this.answerRetry(state.current);
      const generation = nextGeneration(state, {
        scope: this.colonyId,
        key,
        workerId: firing.workerId,
        firingId: firing.firingId,
        expiresAt: new Date(now.getTime() + this.ttlMs),
      });
      try {
        return await this.fireNew(command, firing, generation);
      } catch (error) {
        // Another request recorded the key between the read and the append: read its generation.
        if (!(error instanceof CompanionConflictError) || round >= MAX_KEY_ROUNDS) throw error;
      }
    }
  }

  /** Appends the firing (and the key's generation, atomically), then spawns its worker. */
  private async fireNew(
    command: Extract<ColonyCommand, { type: "FireTrigger" }>,
    firing: TriggerFiring,
    keyGeneration: StreamAppend | null,
  ): Promise<FireResult> {
    const store = keyGeneration ? withCompanionAppend(this.store, this.colonyStream, keyGeneration) : this.store;
    // Registered before the append makes the key visible, so a concurrent retry of this process
    // that reads the key always finds this spawn to wait for instead of starting its own.
    const workerId = await this.spawnOnce(firing.workerId, async () => {
      await this.writes.run(() =>
        handleCommand(store, colonyDecider, this.colonyStream, command, {
          metadata: { correlationId: firing.firingId },
          read: () => this.colonyState(),
        }),
      );
      return this.callSpawn(firing);
    });
    return { outcome: "spawned", workerId, firingId: firing.firingId };
  }

  /** A live key: answer with its worker, starting it first if the firing never got that far. */
  private async answerRetry(generation: KeyGeneration): Promise<FireResult> {
    const replayed: FireResult = { outcome: "replayed", workerId: generation.workerId, firingId: generation.firingId };
    const inFlight = this.spawning.get(generation.workerId);
    if (inFlight) {
      try {
        await inFlight;
        return replayed;
      } catch {
        // That request recorded the key but its spawn failed: recover the firing below.
      }
    }
    const workerExists = this.options.workerExists ?? ((id) => this.workerStreamExists(id));
    if (await workerExists(generation.workerId)) return replayed;
    const firing = await this.findFiring(generation.workerId);
    const workerId = await this.spawnOnce(firing.workerId, () => this.callSpawn(firing));
    return { outcome: "recovered", workerId, firingId: firing.firingId };
  }

  private spawnOnce(workerId: string, start: () => Promise<string>): Promise<string> {
    const existing = this.spawning.get(workerId);
    if (existing) return existing;
    const run = start();
    this.spawning.set(workerId, run);
    const forget = () => {
      if (this.spawning.get(workerId) === run) this.spawning.delete(workerId);
    };
    run.then(forget, forget);
    return run;
  }

  private async callSpawn(firing: TriggerFiring): Promise<string> {
    const { workerId } = await this.options.spawn(firing);
    if (workerId !== firing.workerId) throw new SpawnContractError(firing.firingId, firing.workerId, workerId);
    return workerId;
  }

  private async workerStreamExists(workerId: string): Promise<boolean> {
    return (await this.store.streamVersion(streamId("worker", workerId))) !== "no_stream";
  }

  /** The recorded firing that names the worker, with its trigger's definition as it was then. */
  private async findFiring(workerId: string): Promise<TriggerFiring> {
    let found: TriggerFiring | null = null;
    await eachFiring(this.store, this.colonyId, (fired, definition) => {
      if (fired.workerId === workerId && definition !== undefined) found = this.firingOf(definition, fired, workerId);
    });
    if (found === null) throw new FiringNotFoundError(this.colonyId, workerId);
    return found;
  }

  private firingOf(
    definition: TriggerDefinition,
    fired: { firingId: string; inputData: InputData; idempotencyKey: string | null },
    workerId: string,
  ): TriggerFiring {
    return {
      colonyId: this.colonyId,
      triggerId: definition.triggerId,
      kind: definition.kind,
      firingId: fired.firingId,
      workerId,
      task: definition.task,
      inputData: fired.inputData,
      idempotencyKey: fired.idempotencyKey,
      maxConcurrent: definition.maxConcurrent,
      maxResurrections: definition.maxResurrections,
    };
  }

  private startTimer(definition: TriggerDefinition): void {
    if (definition.config.kind !== "timer") return;
    const config: TimerConfig = definition.config;
    const triggerId = definition.triggerId;
    void this.loops.get(triggerId)?.stop();
    const loop = new TimerLoop(this.timers, config.intervalSeconds * 1000, () => this.tick(triggerId));
    this.loops.set(triggerId, loop);
    loop.start(config.runImmediately);
  }

  /** One timer tick: skip while paused or busy, else fire. Never rejects: the loop must go on. */
  private async tick(triggerId: string): Promise<void> {
    const stats = this.statsOf(triggerId);
    try {
      const { colony, definitions } = await this.load();
      const definition = definitions.get(triggerId);
      if (colony === null || definition === undefined) {
        // Removed by another process: this clock has nothing left to fire. Not awaited, since
        // stopping waits for the tick in progress, which is this one.
        const loop = this.loops.get(triggerId);
        this.loops.delete(triggerId);
        void loop?.stop();
        return;
      }
      if (colony.timersPaused) return this.skip(triggerId, stats, "paused");
      if (await (this.options.isBusy ?? (() => false))()) return this.skip(triggerId, stats, "busy");
      await this.fireDefinition(definition, { event: { source: "timer", reason: "scheduled" } }, null);
      stats.fired++;
    } catch (error) {
      // Paused between the read above and the decision: the decider refused, nothing was appended.
      if (error instanceof CommandRefusedError && error.code === "timers_paused") {
        return this.skip(triggerId, stats, "paused");
      }
      stats.failed++;
      const report =
        this.options.onTimerError ??
        ((id: string, e: unknown) => console.warn(`timer trigger ${id} of colony ${this.colonyId} failed:`, e));
      report(triggerId, error);
    }
  }

  private skip(triggerId: string, stats: TimerStats, reason: SkipReason): void {
    if (reason === "busy") stats.skippedBusy++;
    else stats.skippedPaused++;
    this.options.onTimerSkipped?.({ triggerId, reason, at: this.options.clock.now() });
  }

  private statsOf(triggerId: string): TimerStats {
    let stats = this.stats.get(triggerId);
    if (!stats) {
      stats = { fired: 0, skippedBusy: 0, skippedPaused: 0, failed: 0 };
      this.stats.set(triggerId, stats);
    }
    return stats;
  }

  private async load(): Promise<ColonyTriggers> {
    return (await this.colony.load()).state;
  }

  /** The colony decider's state and the version it was read at, for the command handler. */
  private async colonyState(): Promise<FoldedStream<ColonyState>> {
    const { state, version } = await this.colony.load();
    return { state: state.colony, version };
  }

  private async handle(command: ColonyCommand): Promise<void> {
    await this.writes.run(() =>
      handleCommand(this.store, colonyDecider, this.colonyStream, command, { read: () => this.colonyState() }),
    );
  }
}

/** A JSON body becomes its value; anything else is kept as text. */
function parseBody(rawBody: WebhookBody): InputData[string] {
  const text = typeof rawBody === "string" ? rawBody : Buffer.from(rawBody).toString("utf8");
  try {
    return JSON.parse(text) as InputData[string];
  } catch {
    return text;
  }
}
