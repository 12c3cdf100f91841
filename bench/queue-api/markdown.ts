// Small pieces the queue, IMAP and logging benchmarks share: latency statistics, markdown tables, the
// conditions block and replacing one section of BENCHMARKS.md. Pure, except conditions() (reads the
// machine). Process, port and temporary-directory helpers come from ../smtp-throughput/proc.ts.
import fs from 'node:fs';
import { describeMachine, loadAverage } from '../smtp-throughput/machine.ts';

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of the samples (ms); 0 for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function latency(samples: readonly number[]): Latency {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: samples.length ? Math.max(...samples) : 0,
    mean: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : 0,
  };
}

/** Milliseconds with sensible precision: 0.42, 4.2, 42, 420, 4200. */
export function ms(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A number with thousands separators (1,000,000). */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(bytes >= 100 * 2 ** 20 ? 0 : 1);
}

export function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export interface RunConditions {
  startedAt: Date;
  loadBefore: string;
  /** Extra lines (markdown bullets without the dash). */
  notes?: string[];
}

/** The **Conditions** block: date, machine, versions, load average before and after. */
export function conditions(run: RunConditions): string[] {
  const m = describeMachine();
  return [
    '**Conditions**',
    '',
    `- Date: ${run.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: ${m.cpus} CPUs (nproc), ${m.cpuModel}, ${m.memoryGiB} GiB RAM; ${m.os}; ${m.kernel}`,
    `- Load average (1/5/15 min) before: ${run.loadBefore}; after: ${loadAverage()}`,
    `- Storage: ${m.tmpFilesystem}`,
    `- Versions: Node ${m.node}, Mailroom ${m.mailroomCommit}`,
    `- The 2 cores are shared with other agents' builds and test runs: figures are noisy (compare within a run, not across runs).`,
    ...(run.notes ?? []).map((n) => `- ${n}`),
  ];
}

export { loadAverage };

/** Resident set size of a process in bytes (VmRSS from /proc), or null when it is gone. */
export function rssBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kib ? Number(kib) * 1024 : null;
  } catch {
    return null;
  }
}
