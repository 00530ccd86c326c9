import { sql } from "kysely";

/**
 * For tables keyed by text, which every lookup goes through: the rows live in the primary-key
 * B-tree itself instead of a rowid table plus a copy of the key in an index (SQLite's
 * WITHOUT ROWID; one structure to write and read, one page less for every empty table).
 */
export const WITHOUT_ROWID = sql`without rowid`;
