// Quota sizes as operators write them: "500000", "512K", "100M", "2G" (powers of 1024), "0" (unlimited)
// and "default" (back to quota.default_bytes / quota.default_messages). Shared by the CLI and the API.

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** The number for a size, null for "default", or an Error saying what is expected. */
export function parseQuotaSize(value: string, allowUnits: boolean): number | null | Error {
  const text = value.trim();
  if (text.toLowerCase() === 'default') return null;
  const match = /^(\d+)\s*([KMGT]?)(i?B)?$/i.exec(text);
  if (!match || (!allowUnits && (match[2] || match[3]))) {
    return new Error(`expected a whole number${allowUnits ? ' of bytes, optionally with K, M, G or T (powers of 1024),' : ''} or "default", got ${JSON.stringify(value)}`);
  }
  const n = Number(match[1]) * UNITS[match[2]!.toUpperCase()]!;
  if (!Number.isSafeInteger(n)) return new Error(`${JSON.stringify(value)} is too large`);
  return n;
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (n >= size) return `${(n / size).toFixed(1).replace(/\.0$/, '')}${unit}`;
  }
  return String(n);
}
