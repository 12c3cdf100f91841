// When to try again. The schedule comes from delivery.retry_schedule_seconds; the last step repeats.

export function retryDelaySeconds(schedule: readonly number[], attempts: number): number {
  const index = Math.min(Math.max(attempts, 1), schedule.length) - 1;
  return schedule[index]!;
}

export function isExpired(createdAt: number, now: number, expirySeconds: number): boolean {
  return now - createdAt >= expirySeconds * 1000;
}
