import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import { InvalidArgumentError } from "../../domain/errors.js";
import { ColonyName } from "../../domain/events/fields.js";
import { createColony, type SeedOptions, type SeedResult, seedTasks } from "./colony-seeding.js";
import type { LedgerContext } from "./ledger-context.js";
import { colonyIdByName } from "./ledger-reads.js";

export interface NamedSeedResult extends SeedResult {
  /** True when this call created the colony. */
  readonly created: boolean;
}

/**
 * Seeds the colony of this name, creating it (id = name) with the batch when there is none:
 * either way one atomic append. Two callers creating the same colony at once both succeed: the
 * one that loses the creation race seeds into the colony the other created.
 */
export async function seedNamedColony(
  context: LedgerContext,
  name: string,
  tasks: unknown,
  options: SeedOptions = {},
): Promise<NamedSeedResult> {
  const valid = ColonyName.safeParse(name);
  if (!valid.success) throw new InvalidArgumentError("colony", valid.error.issues[0]?.message ?? "invalid name");
  for (let attempt = 1; ; attempt++) {
    const existing = await colonyIdByName(context.ledger, name);
    if (existing !== undefined) return { ...(await seedTasks(context, existing, tasks, options)), created: false };
    try {
      return { ...(await createColony(context, { colonyId: name, name }, tasks, options)), created: true };
    } catch (error) {
      // Created meanwhile by someone else: look it up again, once. A second refusal means the id
      // is a colony of another name, which is for the caller to sort out.
      const created = error instanceof CommandRefusedError && error.code === "colony_already_exists";
      if (!created || attempt > 1) throw error;
    }
  }
}
