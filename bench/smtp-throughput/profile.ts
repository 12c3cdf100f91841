// Summarises a V8 .cpuprofile (node --cpu-prof) by self time: the functions where the samples landed,
// and the same time grouped by area (a package, a Mailroom source folder, Node internals, GC, idle).
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileLine {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  wallMs: number;
  /** Sampled time outside (idle): the process was running JavaScript, native code or GC. */
  busyMs: number;
  functions: ProfileLine[];
  areas: ProfileLine[];
  /** Mailroom functions by inclusive time (their own and everything they called), share of busy time. */
  mailroom: ProfileLine[];
}

/** "better-sqlite3", "mailroom server/src/smtp", "node internals", "(garbage collector)"... */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native code)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  const src = sourceIndex(url);
  if (src >= 0) return `mailroom ${path.posix.dirname(url.slice(src + 1)).replace('server/dist', 'server/src')}`;
  return url;
}

/** Where "server/src/" (TypeScript run through tsx) or "server/dist/" (the build) starts in a URL. */
function sourceIndex(url: string): number {
  const src = url.indexOf('/server/src/');
  return src >= 0 ? src : url.indexOf('/server/dist/');
}

function fileOf(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  const src = sourceIndex(url);
  return nm >= 0 ? url.slice(nm + '/node_modules/'.length) : src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
}

/**
 * "fn file:line", with anonymous functions named after their nearest named caller. TypeScript files
 * get no line: tsx compiles them into a few long lines, so V8's positions say nothing about the source.
 */
function frameName(node: ProfileNode, parentOf: Map<number, ProfileNode>): string {
  const frame = node.callFrame;
  let fn = frame.functionName;
  if (fn === '') {
    let up = parentOf.get(node.id);
    while (up && up.callFrame.functionName === '') up = parentOf.get(up.id);
    fn = `(anonymous in ${up?.callFrame.functionName ?? 'top level'})`;
  }
  if (frame.url === '') return fn;
  const file = fileOf(frame.url);
  return file.endsWith('.ts') ? `${fn} ${file}` : `${fn} ${file}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, totalMs: number, n: number): ProfileLine[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: totalMs > 0 ? us / 1000 / totalMs : 0 }));
}

/**
 * `windowUs` limits the summary to samples taken within [from, to] on the monotonic clock in µs, which
 * V8 profiles share with process.hrtime() in any process on the same Linux machine.
 */
export function summariseProfile(profile: CpuProfile, n = 20, windowUs?: [number, number]): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const fnTime = new Map<string, number>();
  const areaTime = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const [from, to] = windowUs ?? [profile.startTime, profile.endTime];
  let busyUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i]!);
    const us = profile.timeDeltas[i + 1] ?? 0; // a delta is the time until the next sample
    if (!node || at < from || at > to) continue;
    const name = frameName(node, parentOf);
    const area = areaOf(node.callFrame);
    fnTime.set(name, (fnTime.get(name) ?? 0) + us);
    areaTime.set(area, (areaTime.get(area) ?? 0) + us);
    if (node.callFrame.functionName !== '(idle)') busyUs += us;
    const seen = new Set<string>();
    for (let up: ProfileNode | undefined = node; up; up = parentOf.get(up.id)) {
      const f = up.callFrame;
      if (f.functionName === '' || sourceIndex(f.url) < 0) continue;
      const key = `${f.functionName} ${fileOf(f.url)}`;
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      seen.add(key);
    }
  }
  const wallMs = (Math.min(to, profile.endTime) - Math.max(from, profile.startTime)) / 1000;
  return {
    wallMs,
    busyMs: busyUs / 1000,
    functions: top(new Map([...fnTime].filter(([name]) => name !== '(idle)')), busyUs / 1000, n),
    areas: top(areaTime, wallMs, n),
    mailroom: top(inclusive, busyUs / 1000, n),
  };
}

const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;

export function renderProfile(summary: ProfileSummary, thread = 'the main thread'): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `Profile: ${(summary.wallMs / 1000).toFixed(1)} s of wall time, ${thread} not idle for ${(summary.busyMs / 1000).toFixed(1)} s (${pct(summary.busyMs / summary.wallMs)}): running, blocked in a synchronous call (an fsync inside a SQLite commit counts here) or waiting for a CPU.`,
    '',
    '| self time by area | ms | share of wall time |',
    '| --- | ---: | ---: |',
    ...summary.areas.map((a) => `| ${a.name} | ${a.ms.toFixed(0)} | ${pct(a.share)} |`),
    '',
    '| top functions by self time | ms | share of busy time |',
    '| --- | ---: | ---: |',
    ...summary.functions.map((f) => `| ${code(f.name)} | ${f.ms.toFixed(0)} | ${pct(f.share)} |`),
    '',
    '| Mailroom functions by total time (self + callees) | ms | share of busy time |',
    '| --- | ---: | ---: |',
    ...summary.mailroom.map((f) => `| ${code(f.name)} | ${f.ms.toFixed(0)} | ${pct(f.share)} |`),
  ];
}
