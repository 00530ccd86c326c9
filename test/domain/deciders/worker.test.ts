import { describe, expect, it } from "vitest";
import { InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import {
  parseWorkerCommand,
  type WorkerCommand,
  type WorkerEvent,
  workerDecider,
} from "../../../src/domain/deciders/worker.js";
import { at, scenario } from "../../support/decider-scenario.js";

const worker = scenario(workerDecider, "worker");

const spawnData = {
  workerId: "w1",
  colonyId: "c1",
  parentSessionId: "s1",
  task: "summarise the report",
  inputData: { url: "https://example.org" },
  profile: { systemPrompt: "You are a worker.", toolNames: ["claim_task"], loopConfig: {}, inputData: {} },
  conversationId: "k1",
  persistent: false,
  batchId: "b1",
  batchIndex: 0,
};
const SPAWNED: WorkerEvent = { type: "WorkerSpawned", data: spawnData };
const QUEUED: WorkerEvent = { type: "WorkerQueued", data: { reason: "colony at its cap of 4" } };
const STARTED: WorkerEvent = { type: "WorkerStarted", data: { attempt: 1 } };
const STOPPED: WorkerEvent = { type: "WorkerStopped", data: { reason: "stop all" } };
const FAILED_AT = "2025-01-01T10:00:00.000Z";
const failed = (fatal = false) =>
  at<WorkerEvent>(FAILED_AT, { type: "WorkerFailed", data: { error: "provider crashed", fatal } });
const report: Extract<WorkerCommand, { type: "ReportWorker" }> = {
  type: "ReportWorker",
  status: "success",
  summary: "five lines",
  data: { lines: 5 },
  error: null,
  durationMs: 1200,
  tokens: { inputTokens: 100, outputTokens: 20 },
};
const { type: _type, ...reportData } = report;
const REPORTED: WorkerEvent = { type: "WorkerReported", data: reportData };
const resurrect = (now: string, maxResurrections = 3): WorkerCommand => ({
  type: "ResurrectWorker",
  reason: "crash",
  maxResurrections,
  cooldownMs: 30_000,
  now,
});

describe("worker decider: spawn, queue, start", () => {
  it("spawns a worker", () => {
    worker
      .given()
      .when({ type: "SpawnWorker", ...spawnData })
      .thenEmits([SPAWNED]);
  });

  it("refuses spawning the same worker twice", () => {
    worker
      .given(SPAWNED)
      .when({ type: "SpawnWorker", ...spawnData })
      .thenRefused("worker_already_spawned", { workerId: "w1", status: "ready" });
  });

  it("refuses any other command on a worker that was never spawned", () => {
    worker.given().when({ type: "StartWorker" }).thenRefused("worker_not_found");
  });

  it("queues a worker over the cap, then starts it when promoted", () => {
    worker.given(SPAWNED).when({ type: "QueueWorker", reason: "colony at its cap of 4" }).thenEmits([QUEUED]);
    worker.given(SPAWNED, QUEUED).when({ type: "StartWorker" }).thenEmits([STARTED]);
  });

  it("starts a spawned worker at attempt 1", () => {
    worker.given(SPAWNED).when({ type: "StartWorker" }).thenEmits([STARTED]);
  });

  it("refuses starting a running worker and queueing a queued one", () => {
    worker
      .given(SPAWNED, STARTED)
      .when({ type: "StartWorker" })
      .thenRefused("illegal_transition", { aggregate: "worker", id: "w1", from: "running", command: "StartWorker" });
    worker
      .given(SPAWNED, QUEUED)
      .when({ type: "QueueWorker", reason: "again" })
      .thenRefused("illegal_transition", { from: "queued" });
  });

  it("validates commands from outside", () => {
    expect(() => parseWorkerCommand({ type: "ReportWorker", ...reportData, status: "great" })).toThrow(
      InvalidCommandError,
    );
    expect(parseWorkerCommand({ type: "StopWorker", reason: "user" })).toEqual({ type: "StopWorker", reason: "user" });
  });
});

describe("worker decider: report and stop", () => {
  it("records a running worker's report", () => {
    worker.given(SPAWNED, STARTED).when(report).thenEmits([REPORTED]);
  });

  it("refuses a report from a worker that has not run, and a second report", () => {
    worker.given(SPAWNED, QUEUED).when(report).thenRefused("illegal_transition", { from: "queued" });
    worker
      .given(SPAWNED, STARTED, REPORTED)
      .when(report)
      .thenRefused("worker_finished", { workerId: "w1", reportStatus: "success" });
  });

  it("stops a running or a queued worker, which then reports stopped", () => {
    worker.given(SPAWNED, STARTED).when({ type: "StopWorker", reason: "stop all" }).thenEmits([STOPPED]);
    worker.given(SPAWNED, QUEUED).when({ type: "StopWorker", reason: "stop all" }).thenEmits([STOPPED]);
    const stoppedReport = { ...reportData, status: "stopped" as const };
    worker
      .given(SPAWNED, QUEUED, STOPPED)
      .when({ type: "ReportWorker", ...stoppedReport })
      .thenEmits([{ type: "WorkerReported", data: stoppedReport }]);
  });

  it("refuses stopping a stopped or a finished worker", () => {
    worker
      .given(SPAWNED, STARTED, STOPPED)
      .when({ type: "StopWorker", reason: "again" })
      .thenRefused("illegal_transition", { from: "stopped" });
    worker
      .given(SPAWNED, STARTED, REPORTED)
      .when({ type: "StopWorker", reason: "late" })
      .thenRefused("worker_finished");
  });
});

describe("worker decider: failure and resurrection", () => {
  it("records a running worker's failure; refuses failing one that is not running", () => {
    worker
      .given(SPAWNED, STARTED)
      .when({ type: "FailWorker", error: "provider crashed", fatal: false })
      .thenEmits([{ type: "WorkerFailed", data: { error: "provider crashed", fatal: false } }]);
    worker
      .given(SPAWNED)
      .when({ type: "FailWorker", error: "x", fatal: false })
      .thenRefused("illegal_transition", { from: "ready" });
  });

  it("resurrects after the cooldown as the next attempt, which then starts", () => {
    worker
      .given(SPAWNED, STARTED, failed())
      .when(resurrect("2025-01-01T10:00:30.000Z"))
      .thenEmits([{ type: "WorkerResurrected", data: { attempt: 2, reason: "crash" } }]);
    worker
      .given(SPAWNED, STARTED, failed(), { type: "WorkerResurrected", data: { attempt: 2, reason: "crash" } })
      .when({ type: "StartWorker" })
      .thenEmits([{ type: "WorkerStarted", data: { attempt: 2 } }]);
  });

  it("refuses resurrection during the cooldown, saying when it ends", () => {
    worker
      .given(SPAWNED, STARTED, failed())
      .when(resurrect("2025-01-01T10:00:29.999Z"))
      .thenRefused("resurrection_cooldown", { failedAt: FAILED_AT, readyAt: "2025-01-01T10:00:30.000Z" });
  });

  it("refuses resurrection at the cap", () => {
    const later = "2025-01-01T12:00:00.000Z";
    worker
      .given(
        SPAWNED,
        STARTED,
        failed(),
        { type: "WorkerResurrected", data: { attempt: 2, reason: "crash" } },
        { type: "WorkerStarted", data: { attempt: 2 } },
        failed(),
      )
      .when(resurrect(later, 1))
      .thenRefused("resurrection_cap_reached", { resurrections: 1, maxResurrections: 1 });
  });

  it("never resurrects a fatal failure", () => {
    worker
      .given(SPAWNED, STARTED, failed(true))
      .when(resurrect("2025-01-02T00:00:00.000Z"))
      .thenRefused("worker_failure_fatal", { error: "provider crashed" });
  });

  it("refuses resurrecting a worker that has not failed", () => {
    worker
      .given(SPAWNED, STARTED)
      .when(resurrect("2025-01-02T00:00:00.000Z"))
      .thenRefused("illegal_transition", { from: "running", command: "ResurrectWorker" });
  });

  it("reports a failed worker that will not be resurrected", () => {
    const failedReport = { ...reportData, status: "failed" as const, error: "provider crashed" };
    worker
      .given(SPAWNED, STARTED, failed(true))
      .when({ type: "ReportWorker", ...failedReport })
      .thenEmits([{ type: "WorkerReported", data: failedReport }]);
  });
});
