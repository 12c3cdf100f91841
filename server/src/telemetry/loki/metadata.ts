// Structured metadata for one entry: per-line fields (level, session id, queue id, client IP, user) that
// Loki stores beside the line without making them stream labels, so they cost no cardinality.

export type LokiMetadata = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Loki takes structured metadata names in label syntax only. */
const METADATA_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `level` first, then the caller's fields that have a valid name and a value, as strings. */
export function metadataPairs(level: string, metadata: LokiMetadata | undefined): [string, string][] {
  const pairs: [string, string][] = [['level', String(level)]];
  if (!metadata) return pairs;
  for (const name of Object.keys(metadata)) {
    const value = metadata[name];
    if (value === undefined || value === null || value === '' || name === 'level' || !METADATA_NAME.test(name)) continue;
    pairs.push([name, String(value)]);
  }
  return pairs;
}
