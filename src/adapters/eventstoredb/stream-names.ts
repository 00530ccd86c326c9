import { InvalidArgumentError } from "../../domain/errors.js";
import { categories, categoryOf } from "../../domain/stream-id.js";
import { isSystemEvent } from "./system-events.js";

const NAMESPACE = /^[A-Za-z0-9_]{1,64}$/;
const CATEGORIES: ReadonlySet<string> = new Set(categories);

/**
 * How colonylog stream ids are named on the server. Without a namespace a stream is stored under
 * its own id (`worker-01J…`), so the server's by-category projection sees our categories. With
 * one, under `namespace:id`, so several logs (one per test, one per tenant) share a server
 * without seeing each other.
 */
export class StreamNames {
  /** The prefix every stored name of this log starts with, if the log has a namespace. */
  readonly prefix: string | undefined;

  constructor(namespace?: string) {
    if (namespace !== undefined && !NAMESPACE.test(namespace)) {
      throw new InvalidArgumentError("namespace", "expected 1-64 characters of A-Z a-z 0-9 _");
    }
    this.prefix = namespace === undefined ? undefined : `${namespace}:`;
  }

  stored(streamId: string): string {
    return this.prefix === undefined ? streamId : `${this.prefix}${streamId}`;
  }

  /**
   * The colonylog stream id of a record read from $all, or `undefined` when the record is not
   * this log's: a system event, another namespace's stream, or a stream of no colonylog category
   * (another application on the same server).
   */
  streamIdOf(storedName: string, type: string): string | undefined {
    if (isSystemEvent(storedName, type)) return undefined;
    const { prefix } = this;
    if (prefix !== undefined && !storedName.startsWith(prefix)) return undefined;
    const streamId = prefix === undefined ? storedName : storedName.slice(prefix.length);
    return CATEGORIES.has(categoryOf(streamId)) ? streamId : undefined;
  }

  /** Whether `streamId` could name a stream of this log at all (reads of any other find nothing). */
  isColonyStream(streamId: string): boolean {
    return typeof streamId === "string" && CATEGORIES.has(categoryOf(streamId));
  }
}
