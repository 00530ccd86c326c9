import type { RecordedEvent } from "../domain/envelope.js";
import type { EventCatalogue } from "../domain/events/catalogue.js";

/**
 * Lets through the events the catalogue knows. An unknown type (written by a newer colonylog,
 * say) is skipped, never a crash (DESIGN §9), with one warning per type rather than per event.
 */
export class KnownTypes {
  private readonly warned = new Set<string>();

  constructor(
    private readonly catalogue: EventCatalogue,
    private readonly warn: (message: string) => void,
  ) {}

  known(event: RecordedEvent): boolean {
    if (this.catalogue.get(event.type)) return true;
    if (!this.warned.has(event.type)) {
      this.warned.add(event.type);
      this.warn(`projections: skipping events of unknown type ${event.type} (first at position ${event.position})`);
    }
    return false;
  }
}
