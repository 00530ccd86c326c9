import { describe, expect, it } from "vitest";
import type { SqliteColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import type { ColonyRuntime, WorkerBrain } from "../../../src/runtime/colony/index.js";
import { triggerPortsFor } from "../../../src/runtime/colony-triggers.js";
import type { SpawnWorker, TriggerFiring } from "../../../src/runtime/triggers/firing.js";
import { TriggerService } from "../../../src/runtime/triggers/trigger-service.js";
import { signWebhook } from "../../../src/runtime/triggers/webhook-signature.js";
import { Brains, colonyFixtures, success } from "../../support/colony-runtime.js";
import type { ManualTime } from "../../support/manual-time.js";
import { COLONY_ID, createColony, eventsOfType } from "../../support/trigger-colony.js";

const fixtures = colonyFixtures();
const SECRET = "s3cret";
const MINUTE = 60_000;
const body = JSON.stringify({ action: "opened", number: 7 });
const delivery = {
  route: "/hooks/github",
  rawBody: body,
  signatureHeader: signWebhook(SECRET, body),
  idempotencyKey: "delivery-1",
};

/** A brain that records each run (worker id and task) and reports at once. */
function recordingBrain(): { brain: WorkerBrain; runs: { workerId: string; task: string }[] } {
  const runs: { workerId: string; task: string }[] = [];
  return {
    runs,
    brain: async (context) => {
      runs.push({ workerId: context.workerId, task: context.task });
      return success(`${context.task} done`);
    },
  };
}

/**
 * A trigger service of colony c1 firing into `runtime` through the adapter, on `db`. `wrap`
 * wraps the adapter's spawn port when a test needs to crash around it.
 */
function serve(
  db: SqliteColonyDatabase,
  runtime: ColonyRuntime,
  time: ManualTime,
  brainFor: (firing: TriggerFiring) => WorkerBrain,
  wrap: (spawn: SpawnWorker) => SpawnWorker = (spawn) => spawn,
) {
  const ports = triggerPortsFor(runtime, brainFor);
  const service = new TriggerService({
    store: db.events,
    colonyId: COLONY_ID,
    spawn: wrap(ports.spawn),
    isBusy: ports.isBusy,
    clock: time,
    timers: time,
    // Real ids: two services on one file (a restart) must never draw the same worker id.
    ids: new UuidV7Generator(),
    secrets: () => SECRET,
  });
  return service;
}

async function setUp(brainFor: (firing: TriggerFiring) => WorkerBrain, wrap?: (spawn: SpawnWorker) => SpawnWorker) {
  const fixture = await fixtures.open();
  await createColony(fixture.db.events);
  const service = serve(fixture.db, fixture.runtime, fixture.time, brainFor, wrap);
  await service.registerTrigger({
    triggerId: "github",
    config: { kind: "webhook", route: "/hooks/github", secretRef: "GITHUB_SECRET" },
    task: "triage the pull request",
  });
  return { ...fixture, service };
}

const spawnedWorkers = async (db: SqliteColonyDatabase) =>
  (await eventsOfType(db.events, "WorkerSpawned")).map((e) => e.streamId.slice("worker-".length));

/** The worker id the one TriggerFired of the log names. */
async function recordedWorker(db: SqliteColonyDatabase): Promise<string> {
  const fired = await eventsOfType(db.events, "TriggerFired");
  expect(fired).toHaveLength(1);
  const [first] = fired;
  return ((first as (typeof fired)[number]).data as { workerId: string }).workerId;
}

describe("triggers firing into a colony runtime", () => {
  it("starts the firing's worker under its id, with the trigger's task, the firing's input and the brain picked for it", async () => {
    const recording = recordingBrain();
    const picked: TriggerFiring[] = [];
    const { db, runtime, service } = await setUp((firing) => {
      picked.push(firing);
      return recording.brain;
    });
    const result = await service.fireWebhook(delivery);
    const [report] = await runtime.wait([result.workerId]);
    expect(report).toMatchObject({
      workerId: result.workerId,
      status: "success",
      summary: "triage the pull request done",
    });
    expect(picked.map((f) => [f.triggerId, f.workerId])).toEqual([["github", result.workerId]]);
    const [spawned] = await eventsOfType(db.events, "WorkerSpawned");
    expect(spawned?.data).toMatchObject({
      workerId: result.workerId,
      colonyId: COLONY_ID,
      task: "triage the pull request",
      inputData: { event: { source: "webhook", route: "/hooks/github", body: { action: "opened", number: 7 } } },
    });
  });

  it("a webhook delivered three times with one key, one after another: one worker, every answer its id", async () => {
    const recording = recordingBrain();
    const { db, runtime, service } = await setUp(() => recording.brain);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await service.fireWebhook(delivery));
    expect(answers.map((a) => a.outcome)).toEqual(["spawned", "replayed", "replayed"]);
    const workerId = answers[0]?.workerId as string;
    expect(answers.map((a) => a.workerId)).toEqual([workerId, workerId, workerId]);
    await runtime.wait([workerId]);
    expect(recording.runs.map((r) => r.workerId)).toEqual([workerId]);
    expect(await spawnedWorkers(db)).toEqual([workerId]);
    expect(runtime.workers().map((w) => w.workerId)).toEqual([workerId]);
  });

  it("a webhook delivered three times with one key at once: one worker, every answer its id", async () => {
    const recording = recordingBrain();
    const { db, runtime, service } = await setUp(() => recording.brain);
    const answers = await Promise.all([1, 2, 3].map(() => service.fireWebhook(delivery)));
    const workerId = answers.find((a) => a.outcome === "spawned")?.workerId as string;
    expect(answers.map((a) => a.outcome).sort()).toEqual(["replayed", "replayed", "spawned"]);
    expect(answers.map((a) => a.workerId)).toEqual([workerId, workerId, workerId]);
    await runtime.wait([workerId]);
    expect(recording.runs.map((r) => r.workerId)).toEqual([workerId]);
    expect(await spawnedWorkers(db)).toEqual([workerId]);
    expect(await eventsOfType(db.events, "TriggerFired")).toHaveLength(1);
  });

  it("a timer tick is skipped while the runtime has workers running, and fires once they are done", async () => {
    const brains = new Brains();
    const { db, runtime, service, time } = await setUp(() => brains.brain);
    await service.registerTrigger({
      triggerId: "tick",
      config: { kind: "timer", intervalSeconds: 60, runImmediately: false },
      task: "look around",
    });
    await service.start();
    const busy = await runtime.spawn({ task: "busy", brain: brains.brain });
    await brains.untilStarted("busy");

    await time.advance(MINUTE);
    expect(service.timerStats("tick")).toMatchObject({ fired: 0, skippedBusy: 1 });
    expect(await eventsOfType(db.events, "TriggerFired")).toHaveLength(0);

    brains.finish("busy");
    await runtime.wait([busy]);
    await time.advance(MINUTE);
    expect(service.timerStats("tick")).toMatchObject({ fired: 1, skippedBusy: 1 });
    await brains.untilStarted("look around");
    // The timer's own worker keeps the colony busy: the next tick is skipped too.
    await time.advance(MINUTE);
    expect(service.timerStats("tick")).toMatchObject({ fired: 1, skippedBusy: 2 });
    brains.finish("look around");
    await service.stop();
    expect(await spawnedWorkers(db)).toHaveLength(2);
  });

  it("the overseer alone does not make the colony busy", async () => {
    const brains = new Brains();
    const { runtime, service, time } = await setUp(() => brains.brain);
    await runtime.startOverseer({
      brain: async (context) => {
        await context.waitForInput();
        return success("bye");
      },
    });
    await service.registerTrigger({
      triggerId: "tick",
      config: { kind: "timer", intervalSeconds: 60, runImmediately: false },
      task: "look around",
    });
    await service.start();
    await time.advance(MINUTE);
    expect(service.timerStats("tick")).toMatchObject({ fired: 1, skippedBusy: 0 });
    await brains.untilStarted("look around");
    brains.finish("look around");
    await service.stop();
  });

  it("a spawn that fails once after TriggerFired: the retry starts the recorded worker, which runs once", async () => {
    const recording = recordingBrain();
    let crashes = 1;
    const { db, runtime, service } = await setUp(
      () => recording.brain,
      (spawn) => async (firing) => {
        if (crashes-- > 0) throw new Error("process killed before the spawn");
        return spawn(firing);
      },
    );
    await expect(service.fireWebhook(delivery)).rejects.toThrow(/killed/);
    const recorded = await recordedWorker(db);
    expect(await spawnedWorkers(db)).toEqual([]);

    const retry = await service.fireWebhook(delivery);
    expect(retry).toMatchObject({ outcome: "recovered", workerId: recorded });
    await runtime.wait([recorded]);
    expect(await service.fireWebhook(delivery)).toMatchObject({ outcome: "replayed", workerId: recorded });
    expect(recording.runs.map((r) => r.workerId)).toEqual([recorded]);
    expect(await spawnedWorkers(db)).toEqual([recorded]);
  });

  it("a process dead between TriggerFired and the spawn: a fresh runtime and service on the file run the worker once", async () => {
    const recording = recordingBrain();
    const first = await setUp(
      () => recording.brain,
      () => async () => {
        throw new Error("process killed before the spawn");
      },
    );
    await expect(first.service.fireWebhook(delivery)).rejects.toThrow(/killed/);
    // The first process is gone: its runtime and connection are left as they were.
    fixtures.abandon(first.runtime);
    const recorded = await recordedWorker(first.db);

    const db = await fixtures.reopen(first.file, first.time);
    const runtime = await fixtures.openRuntime(db, first.time, { restoreBrain: () => recording.brain });
    const service = serve(db, runtime, first.time, () => recording.brain);
    // The sender retries, twice at once.
    const answers = await Promise.all([service.fireWebhook(delivery), service.fireWebhook(delivery)]);
    expect(answers.map((a) => a.workerId)).toEqual([recorded, recorded]);
    // Which of the two starts the worker and which shares that spawn (or finds it done) is the
    // race's to decide; neither fires anew.
    expect(answers.map((a) => a.outcome)).toContain("recovered");
    expect(answers.map((a) => a.outcome)).not.toContain("spawned");
    await runtime.wait([recorded]);
    expect(recording.runs.map((r) => r.workerId)).toEqual([recorded]);
    expect(await spawnedWorkers(db)).toEqual([recorded]);
    expect(await eventsOfType(db.events, "TriggerFired")).toHaveLength(1);
  });

  it("keeps the spawn port's contract: the same firing spawned again, at once or later, starts one worker", async () => {
    const recording = recordingBrain();
    const { db, runtime } = await fixtures.open();
    const ports = triggerPortsFor(runtime, () => recording.brain);
    const firing: TriggerFiring = {
      colonyId: COLONY_ID,
      triggerId: "github",
      kind: "webhook",
      firingId: "firing-1",
      workerId: "worker-of-firing-1",
      task: "triage",
      inputData: { n: 1 },
      idempotencyKey: "delivery-1",
      maxConcurrent: 1,
      maxResurrections: 0,
    };
    // As a retry racing a second process's recovery would call it.
    const answers = await Promise.all([ports.spawn(firing), ports.spawn(firing), ports.spawn(firing)]);
    expect(answers).toEqual(Array(3).fill({ workerId: firing.workerId }));
    await runtime.wait([firing.workerId]);
    expect(await ports.spawn(firing)).toEqual({ workerId: firing.workerId });
    expect(recording.runs).toEqual([{ workerId: firing.workerId, task: "triage" }]);
    expect(await spawnedWorkers(db)).toEqual([firing.workerId]);
  });

  it("a firing of another colony is refused, and nothing spawns", async () => {
    const recording = recordingBrain();
    const fixture = await fixtures.open({ colonyId: "c2" });
    await createColony(fixture.db.events);
    const service = serve(fixture.db, fixture.runtime, fixture.time, () => recording.brain);
    await service.registerTrigger({
      triggerId: "github",
      config: { kind: "webhook", route: "/hooks/github", secretRef: "GITHUB_SECRET" },
      task: "triage the pull request",
    });
    await expect(service.fireWebhook(delivery)).rejects.toThrow(/cannot spawn into the runtime of colony c2/);
    expect(await spawnedWorkers(fixture.db)).toEqual([]);
    expect(recording.runs).toEqual([]);
  });
});
