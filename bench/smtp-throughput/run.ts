// SMTP throughput: Mailroom side by side with Postfix and a bare smtp-server, all driven by Postfix's
// smtp-source on 127.0.0.1. Prints a table and writes it into BENCHMARKS.md ("SMTP throughput").
//
//   npm run bench:smtp                      # the full matrix, 3 runs each, plus a CPU profile of Mailroom
//   npm run bench:smtp -- --quick           # a smoke test: 1 run, fewer messages, BENCHMARKS.md untouched
//   npm run bench:smtp -- --help
import fs from 'node:fs';
import { baselineTargets } from './baseline.ts';
import { SMTP_SOURCE, smtpSourceCommand } from './load.ts';
import { describeMachine, loadAverage, probeFsync } from './machine.ts';
import { mailroomTargets } from './mailroom.ts';
import { measure, profileMailroom, type RunPlan } from './measure.ts';
import { postfixTarget } from './postfix.ts';
import { runMain } from './proc.ts';
import { renderProfile } from './profile.ts';
import { formatSize, renderSection, SECTION_TITLE, type Cell } from './report.ts';
import { writeSection } from '../benchmarks-md.ts';
import type { Target } from './target.ts';
import { buildServer } from '../build-server.ts';
import { defineOptions, readOptions, reproducibleArgs, UsageError, type OptionValues } from '../options.ts';

const TARGETS: Target[] = [...mailroomTargets, postfixTarget, ...baselineTargets];

const OPTIONS = defineOptions({
  usage: 'npm run bench:smtp -- [options]',
  options: {
    runs: { type: 'integer', default: 3, quick: 1, help: 'timed runs per configuration and size; the table shows the median' },
    sessions: { type: 'integer', default: 20, help: 'concurrent smtp-source sessions' },
    sizes: { type: 'integers', value: 'A,B', default: [1024, 102_400], help: 'message payload sizes in bytes' },
    // Long enough for the steady state: a fresh Node process runs its hot paths unoptimised for the first
    // thousand or so messages, and 1,000 messages of 100 KiB take under a second (README: run length).
    messages: { type: 'integers', value: 'A,B', default: [10_000, 5000], quick: [400, 200], help: 'messages per timed run, one per size or one for all' },
    warmup: { type: 'integer', min: 0, defaultText: '10% of --messages, at least 20', help: 'messages sent (and delivered) before each timed run' },
    targets: { type: 'strings', choices: TARGETS.map((t) => t.id), default: TARGETS.map((t) => t.id), defaultText: 'all', help: 'configurations to run' },
    'keep-connection': { type: 'boolean', help: 'smtp-source -d: one connection per session instead of one per message' },
    'no-profile': { type: 'boolean', help: 'skip the CPU profile of Mailroom' },
    'keep-profile': { type: 'string', value: 'DIR', help: "also copy Mailroom's .cpuprofile into DIR (open it in Chrome DevTools)" },
    note: { type: 'string', help: 'a line about the conditions, shown above the table' },
    'no-write': { type: 'boolean', quick: true, help: 'print only; leave BENCHMARKS.md as it is' },
    quick: { type: 'boolean', help: 'smoke test: 1 run, 400 and 200 messages, implies --no-write' },
  },
});

interface Options {
  runs: number;
  sessions: number;
  sizes: number[];
  messages: number[];
  warmup: number | null;
  targets: Target[];
  keepConnection: boolean;
  profile: boolean;
  keepProfile: string | undefined;
  note: string | undefined;
  write: boolean;
}

function toOptions(values: OptionValues<typeof OPTIONS.options>): Options {
  const messages = values.messages.length === 1 ? values.sizes.map(() => values.messages[0]!) : values.messages;
  if (messages.length !== values.sizes.length) throw new UsageError('--messages needs one value, or one per size');
  return {
    runs: values.runs,
    sessions: values.sessions,
    sizes: values.sizes,
    messages,
    warmup: values.warmup ?? null,
    targets: TARGETS.filter((t) => values.targets.includes(t.id)),
    keepConnection: values['keep-connection'],
    profile: !values['no-profile'],
    keepProfile: values['keep-profile'],
    note: values.note,
    write: !values['no-write'],
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  buildServer();
  if (!fs.existsSync(SMTP_SOURCE)) throw new Error(`${SMTP_SOURCE} is missing: DEBIAN_FRONTEND=noninteractive apt-get install -y postfix`);

  const machine = describeMachine();
  const loadBefore = loadAverage();
  const fsync = probeFsync();
  log(`machine: ${machine.cpus} x ${machine.cpuModel}, load ${loadBefore}, durable 4 KiB write ${fsync.overwriteMs.toFixed(2)} ms in place, ${fsync.appendMs.toFixed(2)} ms appending`);

  const plans: RunPlan[] = opts.sizes.map((sizeBytes, i) => {
    const messages = opts.messages[i]!;
    return { sizeBytes, messages, warmup: opts.warmup ?? Math.max(20, Math.round(messages / 10)), sessions: opts.sessions, keepConnection: opts.keepConnection };
  });
  const cells: Cell[] = [];
  for (const plan of plans) {
    for (const t of opts.targets) cells.push({ targetId: t.id, label: t.label, sizeBytes: plan.sizeBytes, messages: plan.messages, runs: [], errors: [] });
  }

  // Runs are interleaved (run 1 of everything, then run 2...) so drifting background load hits all alike.
  for (let run = 1; run <= opts.runs; run++) {
    for (const plan of plans) {
      for (const target of opts.targets) {
        const cell = cells.find((c) => c.targetId === target.id && c.sizeBytes === plan.sizeBytes)!;
        const what = `[run ${run}/${opts.runs}] ${formatSize(plan.sizeBytes)} x ${plan.messages}, ${target.label}`;
        try {
          const r = await measure(target, plan);
          cell.runs.push(r);
          const delivered = r.deliverSeconds === null ? '' : `, all delivered after ${r.deliverSeconds.toFixed(2)} s (${(plan.messages / r.deliverSeconds).toFixed(0)}/s)`;
          const cpu = r.cpuShare === null ? '' : `, server CPU ${(r.cpuShare * 100).toFixed(0)}%`;
          log(`${what}: accepted in ${r.acceptSeconds.toFixed(2)} s (${(plan.messages / r.acceptSeconds).toFixed(0)}/s)${delivered}${cpu}`);
        } catch (err) {
          cell.errors.push((err as Error).message);
          log(`${what}: FAILED: ${(err as Error).message}`);
        }
      }
    }
  }

  const extra: string[] = [];
  if (opts.profile && opts.targets.some((t) => t.id.startsWith('mailroom'))) {
    log('profiling Mailroom (greeting 0 ms) with node --cpu-prof...');
    try {
      const profiled = await profileMailroom(plans, opts.keepProfile);
      extra.push('### Where Mailroom spends its time', '');
      extra.push(
        'One extra run of Mailroom (greeting delay 0 ms) under `node --cpu-prof` (not part of the table; the profiler slows it down).',
        'Self time of the main thread from the start of the load until the last message was delivered.',
        '',
      );
      for (const p of profiled) {
        extra.push(
          `#### ${formatSize(p.plan.sizeBytes)} x ${p.plan.messages} (profiled run: ${(p.plan.messages / p.result.acceptSeconds).toFixed(0)} accepted/s)`,
          '',
          ...renderProfile(p.summary),
          '',
        );
        if (p.worker) {
          extra.push('The accept worker thread in the same window (its own SQLite connection; the fsync of each commit counts as busy):', '', ...renderProfile(p.worker, 'the accept worker'), '');
        }
      }
    } catch (err) {
      log(`profiling failed: ${(err as Error).message}`);
      extra.push(`Profiling failed: ${(err as Error).message.split('\n')[0]}`, '');
    }
  }

  // The command to reproduce the figures; a --note describes this run only, so it is left out.
  const args = reproducibleArgs(argv, ['note']);
  const section = renderSection(
    {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      command: `npm run bench:smtp${args ? ` -- ${args}` : ''}`,
      nodeCommand: `node --import tsx bench/smtp-throughput/run.ts${args ? ` ${args}` : ''}`,
      smtpSourceCommands: plans.map((p) => smtpSourceCommand(p)),
      machine,
      loadBefore,
      loadAfter: loadAverage(),
      fsync,
      sessions: opts.sessions,
      runs: opts.runs,
      warmup: plans.map((p) => `${p.warmup} messages at ${formatSize(p.sizeBytes)}`).join(', '),
      keepConnection: opts.keepConnection,
      targetNotes: opts.targets.map((t) => ({ label: t.label, notes: t.notes })),
      preliminaryNote: opts.note,
    },
    cells,
    extra,
  );
  process.stdout.write(`\n${section}\n`);
  if (opts.write) {
    writeSection(SECTION_TITLE, section, log);
  }
  return cells.some((c) => c.errors.length > 0) ? 1 : 0;
}

const argv = process.argv.slice(2);
const opts = readOptions(OPTIONS, argv, toOptions);
await runMain(main, log);
