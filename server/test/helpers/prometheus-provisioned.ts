// A real Prometheus (Debian's package) started from the configuration Mailroom ships
// (provisioning/prometheus/prometheus.yml and its alert rules), changed only where a test must: the
// mailroom job scrapes the test's target, scrapes and rule evaluations happen every second, and the
// ${GRAFANA_URL} placeholder of the rules is filled in. Everything else (job name, metrics path, scheme,
// the rules themselves) is what an operator installs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { waitForHttpReady } from './http-ready.ts';
import { PROMETHEUS_DIR } from './observability.ts';
import { freePort } from './ports.ts';

export const TEST_GRAFANA_URL = 'http://grafana.test:3000';

export interface PromResult {
  resultType: string;
  result: Array<{ metric: Record<string, string>; value?: [number, string] }> | [number, string];
}

export interface RuleState {
  name: string;
  health: string;
  lastError?: string;
  state?: string;
  lastEvaluation: string;
  alerts?: Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }>;
}

export class ProvisionedPrometheus {
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(target: string): Promise<ProvisionedPrometheus> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-prom-provisioned-'));
    const config = YAML.parse(fs.readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
      global: Record<string, unknown>;
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    config.global.scrape_interval = '1s';
    config.global.evaluation_interval = '1s';
    config.rule_files = config.rule_files.map((rel) => {
      const text = fs.readFileSync(path.join(PROMETHEUS_DIR, rel), 'utf8').replaceAll('${GRAFANA_URL}', TEST_GRAFANA_URL);
      const copy = path.join(dir, path.basename(rel));
      fs.writeFileSync(copy, text);
      return copy;
    });
    const job = config.scrape_configs.find((j) => j.job_name === 'mailroom');
    if (!job) throw new Error('provisioning/prometheus/prometheus.yml has no job called mailroom');
    job.static_configs = [{ targets: [target] }];
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), YAML.stringify(config));

    const port = await freePort();
    const p = new ProvisionedPrometheus(port, dir);
    p.child = spawn('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (c: Buffer) => {
      p.output += c.toString();
      if (p.output.length > 200_000) p.output = p.output.slice(-100_000);
    };
    p.child.stdout!.on('data', collect);
    p.child.stderr!.on('data', collect);
    await waitForHttpReady(`http://127.0.0.1:${port}/-/ready`, 'prometheus', p.child, () => p.output);
    return p;
  }

  /** Instant query; resolves to Prometheus' answer whether it succeeded or not. */
  async query(expr: string): Promise<{ status: string; error?: string; data?: PromResult }> {
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return (await res.json()) as { status: string; error?: string; data?: PromResult };
  }

  /** Instant query that must succeed; returns the vector's samples. */
  async vector(expr: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const body = await this.query(expr);
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    const result = body.data!.result;
    if (body.data!.resultType !== 'vector') throw new Error(`query ${expr}: expected a vector, got ${body.data!.resultType}`);
    return (result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** Polls until the expression's first sample satisfies `ok` (Prometheus 2.42's first scrape takes ~6 s). */
  async waitFor(expr: string, ok: (v: number) => boolean, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last: number | undefined;
    for (;;) {
      last = (await this.vector(expr))[0]?.value;
      if (last !== undefined && ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`${expr}: last value ${last} did not satisfy the condition within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async rules(): Promise<RuleState[]> {
    const body = (await (await fetch(`http://127.0.0.1:${this.port}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: RuleState[] }> } };
    return body.data.groups.flatMap((g) => g.rules);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
