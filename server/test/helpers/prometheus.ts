// A real Prometheus (Debian's package) on a free loopback port with a private config and TSDB,
// scraping the given targets every second. Tests query it with PromQL over its HTTP API.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForHttpReady } from './http-ready.ts';
import { freePort } from './ports.ts';

export class PrometheusProcess {
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /**
   * @param extra.ruleFiles rule files to evaluate (every second, as the scrapes)
   * @param extra.alertmanager host:port of an Alertmanager that firing alerts are sent to
   */
  static async start(targets: string[], extra: { bearerToken?: string; ruleFiles?: string[]; alertmanager?: string } = {}): Promise<PrometheusProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-prom-'));
    const port = await freePort();
    const auth = extra.bearerToken ? `\n    authorization:\n      credentials: ${extra.bearerToken}` : '';
    const rules = extra.ruleFiles?.length ? `rule_files:\n${extra.ruleFiles.map((f) => `  - '${f}'\n`).join('')}` : '';
    const alerting = extra.alertmanager ? `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['${extra.alertmanager}']\n` : '';
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${rules}${alerting}scrape_configs:\n  - job_name: mailroom\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]${auth}\n`,
    );
    const p = new PrometheusProcess(port, dir);
    p.child = spawn('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.child.stdout!.on('data', (c: Buffer) => (p.output += c.toString()));
    p.child.stderr!.on('data', (c: Buffer) => (p.output += c.toString()));
    await waitForHttpReady(`http://127.0.0.1:${port}/-/ready`, 'prometheus', p.child, () => p.output);
    return p;
  }

  /** Instant query; returns the vector's [labels, value] pairs. */
  async query(expr: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** Polls a query until its single value satisfies `ok` (Prometheus 2.42's first scrape takes ~6 s). */
  async waitForValue(expr: string, ok: (v: number) => boolean, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last: number | undefined;
    for (;;) {
      const result = await this.query(expr);
      last = result[0]?.value;
      if (last !== undefined && ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`${expr}: last value ${last} did not satisfy the condition within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
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
