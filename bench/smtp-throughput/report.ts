// Turns measurements into the markdown table printed at the end and kept in BENCHMARKS.md. Pure
// functions only, so report.test.ts can check them without running a server.
import type { Machine, SyncLatency } from './machine.ts';

export interface RunResult {
  acceptSeconds: number;
  /** From the start of the load until every message was in the mailbox; null for a discarding server. */
  deliverSeconds: number | null;
  /** Server CPU time during the load, as a share of one core; null when not measurable. */
  cpuShare: number | null;
}

export interface Cell {
  targetId: string;
  label: string;
  sizeBytes: number;
  messages: number;
  runs: RunResult[];
  errors: string[];
}

export interface ReportMeta {
  date: string;
  command: string;
  nodeCommand: string;
  smtpSourceCommands: string[];
  machine: Machine;
  loadBefore: string;
  loadAfter: string;
  fsync: SyncLatency;
  sessions: number;
  runs: number;
  warmup: string;
  keepConnection: boolean;
  targetNotes: Array<{ label: string; notes: string }>;
  preliminaryNote?: string | undefined;
}

export const SECTION_TITLE = '## SMTP throughput';

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function formatSize(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

const rate = (messages: number, seconds: number) => messages / seconds;
const fmtRate = (r: number) => (r >= 100 ? r.toFixed(0) : r.toFixed(1));

/** "412 (398-430)": the median and, with more than one run, the range. */
function rateSummary(messages: number, seconds: number[]): string {
  const rates = seconds.map((s) => rate(messages, s));
  const m = median(rates);
  if (m === null) return 'n/a';
  if (rates.length === 1) return fmtRate(m);
  return `${fmtRate(m)} (${fmtRate(Math.min(...rates))}-${fmtRate(Math.max(...rates))})`;
}

export function medianAcceptRate(cell: Cell): number | null {
  return median(cell.runs.map((r) => rate(cell.messages, r.acceptSeconds)));
}

export function renderTable(cells: Cell[], referenceId = 'postfix'): string {
  const lines = ['| configuration | size | messages | accepted msg/s | delivered msg/s | accepted vs Postfix | server CPU (1 core = 100%) |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const cell of cells) {
    const reference = cells.find((c) => c.targetId === referenceId && c.sizeBytes === cell.sizeBytes);
    const refRate = reference ? medianAcceptRate(reference) : null;
    const ownRate = medianAcceptRate(cell);
    const delivered = cell.runs.map((r) => r.deliverSeconds).filter((s): s is number => s !== null);
    const cpu = median(cell.runs.map((r) => r.cpuShare).filter((c): c is number => c !== null));
    const failed = cell.errors.length > 0 ? ` **${cell.errors.length} failed run(s)**` : '';
    lines.push(
      `| ${cell.label} | ${formatSize(cell.sizeBytes)} | ${cell.messages} | ${
        cell.runs.length > 0
          ? rateSummary(
              cell.messages,
              cell.runs.map((r) => r.acceptSeconds),
            )
          : 'failed'
      }${failed} | ${
        delivered.length > 0 ? rateSummary(cell.messages, delivered) : cell.runs.length > 0 ? 'n/a (discards)' : 'failed'
      } | ${ownRate !== null && refRate !== null && cell.targetId !== referenceId ? `${(ownRate / refRate).toFixed(2)}x` : ''} | ${cpu !== null ? `${Math.round(cpu * 100)}%` : 'n/a'} |`,
    );
  }
  return lines.join('\n');
}

export function renderSection(meta: ReportMeta, cells: Cell[], extra: string[] = []): string {
  const m = meta.machine;
  const errors = cells.flatMap((c) => c.errors.map((e) => `- ${c.label}, ${formatSize(c.sizeBytes)}: ${e.split('\n')[0]}`));
  return [
    SECTION_TITLE,
    '',
    'Messages per second accepted (every message answered 250) and delivered (every message in the mailbox) with',
    `${meta.sessions} concurrent sessions of Postfix's \`smtp-source\`, ${meta.keepConnection ? 'all messages of a session over one connection (-d)' : 'a new connection per message, as real senders do'}.`,
    `Each figure is the median of ${meta.runs} run(s), range in brackets; every run starts a fresh server with an empty store,`,
    `sends a warm-up batch (${meta.warmup}) and waits until it is delivered, then times the load.`,
    '',
    ...(meta.preliminaryNote ? [`> ${meta.preliminaryNote}`, ''] : []),
    `Reproduce (from the repository root, as root, with Postfix installed): \`${meta.command}\` (that is, \`${meta.nodeCommand}\`).`,
    '',
    renderTable(cells),
    '',
    ...(errors.length > 0 ? ['Failed runs:', '', ...errors, ''] : []),
    '**Conditions**',
    '',
    `- Date: ${meta.date}`,
    `- Machine: ${m.cpus} CPUs (nproc), ${m.cpuModel}, ${m.memoryGiB} GiB RAM; ${m.os}; ${m.kernel}`,
    `- Load average (1/5/15 min) before: ${meta.loadBefore}; after: ${meta.loadAfter}`,
    `- Storage: ${m.tmpFilesystem}; median of ${meta.fsync.samples} durable 4 KiB writes: ${meta.fsync.overwriteMs.toFixed(2)} ms in place (fdatasync), ${meta.fsync.appendMs.toFixed(2)} ms appending (fsync)`,
    `- Versions: Node ${m.node}, Postfix ${m.postfix}, smtp-server ${m.smtpServer}, Mailroom ${m.mailroomCommit}`,
    `- Load generator, server and (for Mailroom) delivery share the same ${m.cpus} cores; all traffic on 127.0.0.1.`,
    `- smtp-source commands: ${meta.smtpSourceCommands.map((c) => `\`${c}\``).join(', ')}`,
    '',
    '**Configurations**',
    '',
    ...meta.targetNotes.map((t) => `- ${t.label}: ${t.notes}`),
    '',
    ...extra,
  ].join('\n');
}
