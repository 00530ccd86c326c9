import { describe, expect, it } from "vitest";
import {
  type ColonyCommand,
  type ColonyEvent,
  colonyDecider,
  parseColonyCommand,
} from "../../../src/domain/deciders/colony.js";
import { InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import { scenario } from "../../support/decider-scenario.js";

const colony = scenario(colonyDecider, "colony");

const profile = { systemPrompt: "You are a worker.", toolNames: ["claim_task"], loopConfig: {}, inputData: {} };
const createData = {
  colonyId: "c1",
  name: "research",
  sourceSessionId: "s1",
  workerProfile: profile,
  concurrencyHint: 4,
};
const CREATED: ColonyEvent = { type: "ColonyCreated", data: createData };
const timer = {
  triggerId: "tick",
  config: { kind: "timer" as const, intervalSeconds: 60, runImmediately: true },
  maxConcurrent: 1,
  maxResurrections: 3,
  task: "check the inbox",
};
const TIMER: ColonyEvent = { type: "TriggerRegistered", data: { ...timer, kind: "timer" } };
const HOOK: ColonyEvent = {
  type: "TriggerRegistered",
  data: {
    triggerId: "hook",
    kind: "webhook",
    config: { kind: "webhook", route: "/hooks/mail", secretRef: "MAIL_HOOK_SECRET" },
    maxConcurrent: 2,
    maxResurrections: 0,
    task: "read the mail",
  },
};
const PAUSED: ColonyEvent = { type: "TimersPaused", data: { reason: "session paused" } };
const fire = (triggerId: string): ColonyCommand => ({
  type: "FireTrigger",
  triggerId,
  firingId: "f1",
  workerId: "w1",
  inputData: {},
  idempotencyKey: "k1",
});

describe("colony decider", () => {
  it("creates a colony once", () => {
    colony
      .given()
      .when({ type: "CreateColony", ...createData })
      .thenEmits([CREATED]);
    colony
      .given(CREATED)
      .when({ type: "CreateColony", ...createData })
      .thenRefused("colony_already_exists", { colonyId: "c1", name: "research" });
  });

  it("refuses commands on a colony that does not exist", () => {
    colony.given().when({ type: "PauseTimers", reason: "x" }).thenRefused("colony_not_found");
  });

  it("updates the worker profile", () => {
    const updated = { ...profile, systemPrompt: "Be brief." };
    colony
      .given(CREATED)
      .when({ type: "UpdateWorkerProfile", workerProfile: updated })
      .thenEmits([{ type: "WorkerProfileUpdated", data: { workerProfile: updated } }]);
  });

  it("registers a trigger with the kind of its config, and refuses the same id twice", () => {
    colony
      .given(CREATED)
      .when({ type: "RegisterTrigger", ...timer })
      .thenEmits([TIMER]);
    colony
      .given(CREATED, TIMER)
      .when({ type: "RegisterTrigger", ...timer })
      .thenRefused("trigger_already_registered", { triggerId: "tick" });
  });

  it("removes a trigger; refuses an unknown one", () => {
    colony
      .given(CREATED, TIMER)
      .when({ type: "RemoveTrigger", triggerId: "tick" })
      .thenEmits([{ type: "TriggerRemoved", data: { triggerId: "tick" } }]);
    colony
      .given(CREATED, TIMER, { type: "TriggerRemoved", data: { triggerId: "tick" } })
      .when({ type: "RemoveTrigger", triggerId: "tick" })
      .thenRefused("unknown_trigger", { triggerId: "tick", knownTriggers: [] });
  });

  it("records a firing; refuses firing an unknown trigger", () => {
    colony
      .given(CREATED, TIMER)
      .when(fire("tick"))
      .thenEmits([
        {
          type: "TriggerFired",
          data: { triggerId: "tick", firingId: "f1", workerId: "w1", inputData: {}, idempotencyKey: "k1" },
        },
      ]);
    colony
      .given(CREATED, TIMER)
      .when(fire("nope"))
      .thenRefused("unknown_trigger", { knownTriggers: ["tick"] });
  });

  it("refuses timer firings while timers are paused, but not webhook firings", () => {
    colony.given(CREATED, TIMER, HOOK, PAUSED).when(fire("tick")).thenRefused("timers_paused", { triggerId: "tick" });
    colony
      .given(CREATED, TIMER, HOOK, PAUSED)
      .when(fire("hook"))
      .thenEmits([
        {
          type: "TriggerFired",
          data: { triggerId: "hook", firingId: "f1", workerId: "w1", inputData: {}, idempotencyKey: "k1" },
        },
      ]);
    colony
      .given(CREATED, TIMER, PAUSED, { type: "TimersResumed", data: {} })
      .when(fire("tick"))
      .thenEmits([
        {
          type: "TriggerFired",
          data: { triggerId: "tick", firingId: "f1", workerId: "w1", inputData: {}, idempotencyKey: "k1" },
        },
      ]);
  });

  it("pauses and resumes timers; a repeated toggle decides nothing", () => {
    colony.given(CREATED).when({ type: "PauseTimers", reason: "session paused" }).thenEmits([PAUSED]);
    colony.given(CREATED, PAUSED).when({ type: "PauseTimers", reason: "again" }).thenEmits([]);
    colony
      .given(CREATED, PAUSED)
      .when({ type: "ResumeTimers" })
      .thenEmits([{ type: "TimersResumed", data: {} }]);
    colony.given(CREATED).when({ type: "ResumeTimers" }).thenEmits([]);
  });

  it("validates commands from outside: a trigger config must be one the catalogue stores", () => {
    expect(() =>
      parseColonyCommand({ type: "RegisterTrigger", ...timer, config: { kind: "cron", expression: "* * * * *" } }),
    ).toThrow(InvalidCommandError);
    expect(() => parseColonyCommand({ type: "CreateColony", ...createData, name: "Bad Name" })).toThrow(/name/);
  });
});
