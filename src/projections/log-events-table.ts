/**
 * The log's own table, as read models kept in the same database read it. Message text is stored
 * once, in the log; a read model that needs it keeps the event's position and joins here, so a
 * conversation costs its text once on disk, not once per copy. Both the embedded SQLite log and a
 * PostgreSQL one keep their events in this table beside the read models.
 */
export interface LogEventsTable {
  position: number;
  type: string;
  /** The event's data, as JSON text in the schema version it was written with. */
  data: string;
  schema_version: number;
}

export interface LogEvents {
  events: LogEventsTable;
}
