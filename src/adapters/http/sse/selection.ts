import type { EventFilter } from "../../../domain/ports/event-store.js";
import { categoryOf } from "../../../domain/stream-id.js";
import type { Selection } from "./event-pump.js";
import type { SessionScope } from "./session-scope.js";
import type { StreamQuery } from "./stream-request.js";

type Matches = (streamId: string, name: string) => boolean;

/** A signal is about its conversation: it is filtered as if it were on that conversation's stream. */
const signalStream = (conversationId: string) => `conversation-${conversationId}`;

function matcher(query: StreamQuery): Matches {
  const types = query.types && new Set(query.types);
  const streams = query.streams && new Set(query.streams);
  const categories = query.categories && new Set(query.categories);
  return (streamId, name) =>
    (types === undefined || types.has(name)) &&
    (streams === undefined || streams.has(streamId)) &&
    (categories === undefined || categories.has(categoryOf(streamId)));
}

/** What of the filter the store can apply itself (it knows one stream at most). */
function storeFilter(query: StreamQuery): EventFilter | undefined {
  const filter: { types?: string[]; categories?: string[]; streamId?: string } = {};
  if (query.types) filter.types = query.types;
  if (query.categories) filter.categories = query.categories;
  if (query.streams?.length === 1) filter.streamId = query.streams[0];
  return Object.keys(filter).length === 0 ? undefined : filter;
}

/** `GET /api/events`: the whole log, narrowed by the query's filters. */
export function logSelection(query: StreamQuery): Selection {
  const matches = matcher(query);
  return {
    storeFilter: storeFilter(query),
    accepts: (event) => matches(event.streamId, event.type),
    acceptsSignal: (signal) => matches(signalStream(signal.conversationId), signal.kind),
  };
}

/**
 * `GET /api/sessions/:id/events`: the session's scope, then the query's filters. The store gets
 * no filter: the scope learns of the streams that join it from events the filters may refuse.
 */
export function sessionSelection(scope: SessionScope, query: StreamQuery): Selection {
  const matches = matcher(query);
  return {
    storeFilter: undefined,
    accepts: (event) => {
      scope.observe(event);
      return scope.has(event.streamId) && matches(event.streamId, event.type);
    },
    acceptsSignal: (signal) =>
      scope.hasConversation(signal.conversationId) && matches(signalStream(signal.conversationId), signal.kind),
  };
}
