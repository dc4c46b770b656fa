// Checks for parsed JSON of unknown shape (messages, stored files), before fields are read from it.

/** A plain JSON object: not null, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
