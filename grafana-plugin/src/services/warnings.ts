// Warnings grouped for the page, most severe first, and the page title with the count.
import type { Severity, Warning } from '../api/types';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Groups that have warnings, in SEVERITY_ORDER; unknown severities go last, grouped as "low". */
export function groupBySeverity(items: readonly Warning[]): Array<[Severity, Warning[]]> {
  const groups = new Map<Severity, Warning[]>();
  for (const w of items) {
    const sev: Severity = SEVERITY_ORDER.includes(w.severity) ? w.severity : 'low';
    groups.set(sev, [...(groups.get(sev) ?? []), w]);
  }
  return SEVERITY_ORDER.filter((s) => groups.has(s)).map((s) => [s, groups.get(s)!]);
}

/** "Warnings (3)"; plain "Warnings" until the count is known. */
export function warningsTitle(count: number | undefined): string {
  return count === undefined ? 'Warnings' : `Warnings (${count})`;
}
