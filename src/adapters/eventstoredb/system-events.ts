import { excludeSystemEvents, type Filter, streamNameFilter } from "@eventstore/db-client";

/**
 * The server's own records in $all: its streams (`$stats-…`, `$$metadata` streams, the `$ce-`
 * and `$et-` streams of its projections) and its event types (`$>` links, `$metadata`,
 * `$streamDeleted`) all begin with `$`. No colonylog stream or event type does, so these are
 * never delivered, whatever the reader asked for.
 */
export function isSystemEvent(streamName: string, type: string): boolean {
  return streamName.startsWith("$") || type.startsWith("$");
}

/**
 * What the live $all subscription asks the server to send: only the namespace's streams when the
 * log has one, otherwise everything but system events (the client's own filter for that is the
 * event-type regex `^[^$].*`). The reader still applies `isSystemEvent` to what arrives.
 */
export function liveFilter(streamPrefix: string | undefined): Filter {
  return streamPrefix === undefined ? excludeSystemEvents() : streamNameFilter({ prefixes: [streamPrefix] });
}
