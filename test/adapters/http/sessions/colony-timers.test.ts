import { describe, expect, it } from "vitest";
import { startColonyTimers } from "../../../../src/adapters/http/colony-timers.js";
import { worlds } from "./fixture.js";

const open = worlds();

describe("a server's colony timers", () => {
  it("start for every colony with a live timer trigger, and fire while the server runs", async () => {
    const world = await open();
    const { colonyId } = await world.colony({
      triggers: [{ trigger_id: "tick", trigger_type: "timer", trigger_config: { interval_seconds: 0.05 } }],
    });
    expect(await startColonyTimers(world.host)).toEqual([colonyId]);
    const deadline = Date.now() + 10_000;
    let fired: string[] = [];
    while (fired.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      fired = (await world.eventTypes(`colony-${colonyId}`)).filter((t) => t === "TriggerFired");
    }
    expect(fired.length).toBeGreaterThanOrEqual(2);
  });

  it("start nothing without a model, and nothing for a colony without timers", async () => {
    const idle = await open();
    await idle.colony({ triggers: [{ trigger_id: "api", trigger_type: "api" }] });
    expect(await startColonyTimers(idle.host)).toEqual([]);
    const blind = await open(null);
    await blind.colony({
      triggers: [{ trigger_id: "tick", trigger_type: "timer", trigger_config: { interval_seconds: 0.05 } }],
    });
    const before = await blind.head();
    expect(await startColonyTimers(blind.host)).toEqual([]);
    expect(await blind.head()).toBe(before);
  });
});
