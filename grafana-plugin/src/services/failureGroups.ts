// One error box per error. A page that makes several calls can see them fail for one reason: when
// Mailroom is down, the live log's read of the logging switches and its stream both fail as
// "unreachable", and two identical alerts say nothing more than one. Failures with the same kind and
// message become one group, which names every action that failed and retries them all.

export interface Failure<E extends { kind: string; message: string }> {
  /** What was being done, e.g. "Could not read the logging switches". */
  action: string;
  error: E;
  retry?: () => void;
  dismiss?: () => void;
}

export interface FailureGroup<E extends { kind: string; message: string }> {
  key: string;
  /** The actions joined into one sentence. */
  action: string;
  error: E;
  /** Retries every failed action; absent when none can be retried. */
  retry?: () => void;
  /** Dismisses every failure of the group; only when each of them can be dismissed. */
  dismiss?: () => void;
}

const sentence = (actions: string[]) => (actions.length <= 1 ? (actions[0] ?? '') : `${actions.slice(0, -1).join(', ')} and ${actions.at(-1)!.replace(/^[A-Z]/, (c) => c.toLowerCase())}`);

export function groupFailures<E extends { kind: string; message: string }>(failures: ReadonlyArray<Failure<E> | null | undefined | false>): FailureGroup<E>[] {
  const groups = new Map<string, Failure<E>[]>();
  for (const f of failures) {
    if (!f) continue;
    const key = `${f.error.kind}\u0000${f.error.message}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return Array.from(groups, ([key, members]) => {
    const retries = members.flatMap((m) => (m.retry ? [m.retry] : []));
    const dismissals = members.flatMap((m) => (m.dismiss ? [m.dismiss] : []));
    return {
      key,
      action: sentence(members.map((m) => m.action)),
      error: members[0]!.error,
      retry: retries.length > 0 ? () => retries.forEach((r) => r()) : undefined,
      dismiss: dismissals.length === members.length ? () => dismissals.forEach((d) => d()) : undefined,
    };
  });
}
