// One timed run against one server: start it fresh, warm it up, send the load, wait for delivery,
// check every message arrived exactly once, stop it. Also the profiling pass for Mailroom.
import fs from 'node:fs';
import path from 'node:path';
import { sendLoad, type Load } from './load.ts';
import { startMailroom } from './mailroom.ts';
import { cleanupScope, cpuSeconds, makeTempDir, waitUntil } from './proc.ts';
import { summariseProfile, type CpuProfile, type ProfileSummary } from './profile.ts';
import type { RunResult } from './report.ts';
import type { RunningServer, Target } from './target.ts';

export interface RunPlan {
  sizeBytes: number;
  messages: number;
  warmup: number;
  sessions: number;
  keepConnection: boolean;
}

const deliveryDeadlineMs = (messages: number) => 60_000 + messages * 100;

async function waitForDelivery(server: RunningServer, expected: number): Promise<void> {
  if (server.progress() === null) return;
  await waitUntil(
    `delivery of ${expected} messages`,
    () => {
      const p = server.progress()!;
      return p.delivered >= expected && p.queued === 0;
    },
    deliveryDeadlineMs(expected),
  );
}

function loadFor(server: RunningServer, plan: RunPlan, messages: number): Load {
  return { port: server.port, messages, sizeBytes: plan.sizeBytes, sessions: plan.sessions, keepConnection: plan.keepConnection };
}

/** Sends the load to a started server; also returns the monotonic window (µs) from load start to last delivery. */
async function timedLoad(server: RunningServer, plan: RunPlan, already = 0): Promise<RunResult & { windowUs: [number, number] }> {
  if (plan.warmup > 0) {
    await sendLoad(loadFor(server, plan, plan.warmup));
    await waitForDelivery(server, already + plan.warmup);
  }
  const cpuBefore = cpuSeconds(server.pid);
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const started = performance.now();
  const acceptSeconds = await sendLoad(loadFor(server, plan, plan.messages));
  const cpuAfter = cpuSeconds(server.pid);
  let deliverSeconds: number | null = null;
  if (server.progress() !== null) {
    const expected = already + plan.warmup + plan.messages;
    await waitForDelivery(server, expected);
    deliverSeconds = Math.max(acceptSeconds, (performance.now() - started) / 1000);
    const { delivered } = server.progress()!;
    if (delivered !== expected) throw new Error(`expected ${expected} messages in the mailbox, found ${delivered}`);
  }
  const cpuShare = cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / acceptSeconds : null;
  // The window ends when the last message is delivered, so it holds the whole cost of every message.
  return { acceptSeconds, deliverSeconds, cpuShare, windowUs: [startUs, Number(process.hrtime.bigint() / 1000n)] };
}

export function measure(target: Target, plan: RunPlan): Promise<RunResult> {
  return cleanupScope(() => measureOnce(target, plan));
}

async function measureOnce(target: Target, plan: RunPlan): Promise<RunResult> {
  const server = await target.start();
  let result: RunResult;
  try {
    const { windowUs: _window, ...r } = await timedLoad(server, plan);
    result = r;
  } catch (err) {
    await server.stop();
    throw err;
  }
  // A server that discards must still have seen every message.
  const stopped = await server.stop();
  if (stopped.accepted !== undefined && stopped.accepted !== plan.warmup + plan.messages) {
    throw new Error(`the server counted ${stopped.accepted} messages, expected ${plan.warmup + plan.messages}`);
  }
  return result;
}

export interface ProfiledLoad {
  plan: RunPlan;
  result: RunResult;
  summary: ProfileSummary;
  /** The accept worker thread, when the server ran one. */
  worker: ProfileSummary | undefined;
}

/** Runs Mailroom (greeting 0 ms) under `node --cpu-prof` and summarises each timed window separately. */
export function profileMailroom(plans: RunPlan[], keepDir: string | undefined): Promise<ProfiledLoad[]> {
  return cleanupScope(() => profileOnce(plans, keepDir));
}

async function profileOnce(plans: RunPlan[], keepDir: string | undefined): Promise<ProfiledLoad[]> {
  const dir = makeTempDir('mailroom-cpuprof-');
  const server = await startMailroom({ greetingDelayMs: 0, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const windows: Array<{ plan: RunPlan; result: RunResult; windowUs: [number, number] }> = [];
  let delivered = 0;
  try {
    for (const plan of plans) {
      // Each load adds to the same mailbox.
      const { windowUs, ...result } = await timedLoad(server, plan, delivered);
      windows.push({ plan, result, windowUs });
      delivered += plan.warmup + plan.messages;
    }
  } finally {
    await server.stop(); // the profile is written when the process exits
  }
  // One file per thread, CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; the main thread is 0 (the
  // accept worker has its own, kept with --keep-profile).
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const file = files.find((f) => f.split('.').at(-3) === '0');
  if (!file) throw new Error('node --cpu-prof wrote no profile of the main thread');
  if (keepDir) {
    fs.mkdirSync(keepDir, { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(dir, f), path.join(keepDir, f));
  }
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
  const profile = read(file);
  // The accept worker is the thread that ran accept-worker.ts (the others load TypeScript for tsx).
  const worker = files
    .filter((f) => f !== file)
    .map(read)
    .find((p) => p.nodes.some((n) => n.callFrame.url.endsWith('/accept-worker.ts')));
  return windows.map((w) => ({
    plan: w.plan,
    result: w.result,
    summary: summariseProfile(profile, 15, w.windowUs),
    worker: worker && summariseProfile(worker, 8, w.windowUs),
  }));
}
