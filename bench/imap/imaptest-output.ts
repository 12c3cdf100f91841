// What bench:imaptest reads from Dovecot's imaptest: the summary of its scripted tests, the "Totals" of a
// stress run and its error lines; and the stress mailbox it is given. Pure functions over text, so the
// parsing is tested on imaptest's real output (imaptest-output.test.ts) without building imaptest.

export interface ScriptedSummary {
  groups: number;
  failedGroups: number;
  /** imaptest's own count; it prints 0 for groups skipped for a missing capability (a bug fixed upstream). */
  skippedGroups: number;
  baseFailed: number;
  baseCommands: number;
  extensionsFailed: number;
  extensionsCommands: number;
}

/** The three summary lines at the end of `imaptest test=<dir>`; throws when they are missing. */
export function parseScripted(output: string): ScriptedSummary {
  const groups = /^(\d+) test groups: (\d+) failed, (\d+) skipped/m.exec(output);
  const base = /^base protocol: (\d+)\/(\d+) individual commands failed/m.exec(output);
  const ext = /^extensions: (\d+)\/(\d+) individual commands failed/m.exec(output);
  if (!groups || !base || !ext) throw new Error(`imaptest printed no test summary:\n${output.slice(-2000)}`);
  return {
    groups: Number(groups[1]),
    failedGroups: Number(groups[2]),
    skippedGroups: Number(groups[3]),
    baseFailed: Number(base[1]),
    baseCommands: Number(base[2]),
    extensionsFailed: Number(ext[1]),
    extensionsCommands: Number(ext[2]),
  };
}

export interface StressTotals {
  /** Commands sent, by imaptest's column name (Logi, Sele, Fetc, ...). */
  byCommand: Map<string, number>;
  /** Every command sent in the run (the sum of the Totals row). */
  commands: number;
  /** Lines imaptest starts with "Error:": a wrong answer, a lost flag, a malformed banner, a disconnect. */
  errors: number;
  /** The first 20 error lines, for the log. */
  firstErrors: string[];
}

/**
 * The last "Totals:" block of a stress run: a line of column names, one or two lines of percentages (the
 * profile's probabilities), then the counts. Throws when there is none (imaptest could not run).
 */
export function parseStress(output: string): StressTotals {
  const lines = output.split('\n');
  const at = lines.map((l) => l.trim()).lastIndexOf('Totals:');
  if (at < 0) throw new Error(`imaptest printed no Totals:\n${output.slice(-2000)}`);
  const names = (lines[at + 1] ?? '').trim().split(/\s+/);
  const countsLine = lines.slice(at + 2).find((l) => /^\s*\d+(\s+\d+)*\s*$/.test(l));
  if (!countsLine || names.length === 0) throw new Error(`imaptest's Totals block is not as expected:\n${lines.slice(at, at + 6).join('\n')}`);
  const counts = countsLine.trim().split(/\s+/).map(Number);
  if (counts.length !== names.length) throw new Error(`imaptest's Totals has ${names.length} names and ${counts.length} counts: ${countsLine}`);
  const errorLines = lines.filter((l) => l.startsWith('Error:'));
  return {
    byCommand: new Map(names.map((n, i) => [n, counts[i]!])),
    commands: counts.reduce((a, b) => a + b, 0),
    errors: errorLines.length,
    firstErrors: errorLines.slice(0, 20).map((l) => l.slice(0, 300)),
  };
}

/**
 * imaptest's own test mailboxes joined into one stress mbox, less every message whose Message-ID occurs
 * more than once: in stress mode imaptest holds that one Message-ID always has the same content (it
 * reports "ENVELOPE changed" otherwise), and the thread and sort test mails reuse theirs.
 */
export function stressMbox(mboxes: readonly string[]): { text: string; messages: number; left: number } {
  const messages = mboxes.flatMap((mbox) => splitMbox(mbox));
  const idOf = (message: string) => {
    const header = message.split(/\r?\n\r?\n/, 1)[0] ?? '';
    return /^message-id:\s*(.*)$/im.exec(header)?.[1]?.trim() ?? null;
  };
  const seen = new Map<string, number>();
  for (const m of messages) {
    const id = idOf(m);
    if (id !== null) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const kept = messages.filter((m) => {
    const id = idOf(m);
    return id === null || seen.get(id) === 1;
  });
  return { text: kept.map((m) => (m.endsWith('\n') ? m : `${m}\n`)).join(''), messages: kept.length, left: messages.length - kept.length };
}

/** An mbox's messages, each with its "From " separator line. */
function splitMbox(mbox: string): string[] {
  const out: string[] = [];
  let current: string[] | null = null;
  for (const line of mbox.split(/(?<=\n)/)) {
    if (line.startsWith('From ')) {
      if (current) out.push(current.join(''));
      current = [line];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) out.push(current.join(''));
  return out;
}
