// Incoming checks counted for mailroom_auth_checks_total{method,result}: a tally for the process, read
// at scrape time (telemetry does not import this folder).
export const AUTH_METHODS = ['spf', 'dkim', 'dmarc', 'arc'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
/** RFC 8601 / RFC 7208 result words; anything else mailauth says counts as `other`. */
export const AUTH_RESULTS = ['pass', 'fail', 'softfail', 'neutral', 'none', 'policy', 'temperror', 'permerror', 'other'] as const;
export type AuthResult = (typeof AUTH_RESULTS)[number];

const counts = new Map<string, number>();

export function countAuthCheck(method: AuthMethod, result: string): void {
  const label = (AUTH_RESULTS as readonly string[]).includes(result) ? result : 'other';
  const key = `${method} ${label}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Every method and result, zeros included. */
export function authCheckCounts(): Array<{ method: AuthMethod; result: AuthResult; count: number }> {
  const out: Array<{ method: AuthMethod; result: AuthResult; count: number }> = [];
  for (const method of AUTH_METHODS) for (const result of AUTH_RESULTS) out.push({ method, result, count: counts.get(`${method} ${result}`) ?? 0 });
  return out;
}
