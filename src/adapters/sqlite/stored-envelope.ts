/**
 * How the SQLite log table keeps the envelope's id and time (the rest is the kit's
 * stored-event.ts): the id as its 16 bytes, the time as milliseconds where that loses nothing.
 */

/**
 * The time as stored: the store's clock writes canonical UTC (`toISOString`), which fits an
 * integer of milliseconds (6 bytes instead of 24); any other spelling an importer brought
 * (an offset, no milliseconds) stays text, so every time reads back exactly as written.
 */
export function storedRecordedAt(recordedAt: string): number | string {
  const ms = Date.parse(recordedAt);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === recordedAt ? ms : recordedAt;
}

let lastMs: bigint | number | undefined;
let lastText = "";

export function recordedAtText(stored: bigint | number | string): string {
  if (typeof stored === "string") return stored;
  // One append stamps all its events alike, so neighbours in the log mostly share their time:
  // formatting it once for the run saves a Date and a toISOString per event of a scan.
  if (stored !== lastMs) {
    lastText = new Date(Number(stored)).toISOString();
    lastMs = stored;
  }
  return lastText;
}

export function eventIdBytes(eventId: string): Buffer {
  return Buffer.from(eventId.replaceAll("-", ""), "hex");
}

/**
 * The id's canonical text from its bytes as SQL's `lower(hex(event_id))` reads them: a string
 * straight from SQLite costs a reader less than a Buffer per row (measured: a fifth of a scan).
 */
export const EVENT_ID_HEX = "lower(hex(event_id))";

export function eventIdText(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
