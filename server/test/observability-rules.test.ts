// The Prometheus side Mailroom ships, checked by promtool: the alert rules load (`promtool check rules`),
// the scrape configuration loads with its rules (`promtool check config`, also with the commented bearer
// token block switched on), and the rules' unit tests pass (`promtool test rules`): each alert fires when
// it should and stays quiet when it should not. To show the unit tests have teeth, each alert is then
// broken twice in a copy of the rules, once so that it can never fire and once so that it always fires,
// and `promtool test rules` must fail both times.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PROMETHEUS_DIR, RULES_FILE, RULE_TESTS_DIR, loadAlertRules } from './helpers/observability.ts';
import { requireCommand } from './helpers/tools.ts';

const havePromtool = requireCommand('promtool', 'checks and unit-tests the Prometheus alert rules');
const testFiles = fs
  .readdirSync(RULE_TESTS_DIR)
  .filter((f) => f.endsWith('.test.yml'))
  .sort();

function promtool(args: string[], cwd = PROMETHEUS_DIR): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-rules-'));
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe.runIf(havePromtool)('Prometheus alert rules and scrape configuration (promtool)', () => {
  it('promtool check rules accepts the alert rules', async () => {
    const { code, out } = await promtool(['check', 'rules', RULES_FILE]);
    expect(out).toContain(`SUCCESS: ${loadAlertRules().length} rules found`);
    expect(code).toBe(0);
  });

  it('promtool check config accepts prometheus.yml with its rule file, and with the bearer token file switched on', async () => {
    const plain = await promtool(['check', 'config', path.join(PROMETHEUS_DIR, 'prometheus.yml')]);
    expect(plain.out).toContain('SUCCESS: 1 rule files found');
    expect(plain.code).toBe(0);

    // Uncomment the authorization block as the comment tells an operator to, with a real token file.
    const text = fs.readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8');
    const tokenFile = path.join(scratch, 'mailroom-metrics.token');
    fs.writeFileSync(tokenFile, 'a-metrics-token\n');
    const enabled = text
      .replace(/^ {4}# authorization:$/m, '    authorization:')
      .replace(/^ {4}# {3}type: Bearer$/m, '      type: Bearer')
      .replace(/^ {4}# {3}credentials_file: .*$/m, `      credentials_file: ${tokenFile}`);
    expect(enabled).not.toBe(text);
    const parsed = YAML.parse(enabled) as { scrape_configs: Array<{ job_name: string; authorization?: { type: string; credentials_file: string } }> };
    expect(parsed.scrape_configs.find((j) => j.job_name === 'mailroom')!.authorization).toEqual({ type: 'Bearer', credentials_file: tokenFile });
    fs.mkdirSync(path.join(scratch, 'rules'), { recursive: true });
    fs.copyFileSync(RULES_FILE, path.join(scratch, 'rules', path.basename(RULES_FILE)));
    fs.writeFileSync(path.join(scratch, 'prometheus.yml'), enabled);
    const withToken = await promtool(['check', 'config', path.join(scratch, 'prometheus.yml')]);
    expect(withToken.out).toContain('is valid prometheus config file syntax');
    expect(withToken.code).toBe(0);
  });

  it('promtool test rules passes every unit test of the alerts', async () => {
    expect(testFiles.length).toBeGreaterThan(0);
    const { code, out } = await promtool(['test', 'rules', ...testFiles.map((f) => path.join(RULE_TESTS_DIR, f))]);
    expect(out).not.toContain('FAILED');
    expect(out.match(/SUCCESS/g)?.length).toBe(testFiles.length);
    expect(code).toBe(0);
  });

  /** Runs the unit tests against a copy of the rules in which one alert's expression is replaced. */
  async function testsWithMutant(alert: string, expr: string): Promise<{ code: number; out: string }> {
    const dir = fs.mkdtempSync(path.join(scratch, 'mutant-'));
    const doc = YAML.parse(fs.readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const rule = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === alert)!;
    rule.expr = expr;
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.mkdirSync(path.join(dir, 'tests'));
    fs.writeFileSync(path.join(dir, 'rules', path.basename(RULES_FILE)), YAML.stringify(doc));
    // Only the files that test this alert: the others cannot notice, and each file costs a second.
    const relevant = testFiles.filter((f) => fs.readFileSync(path.join(RULE_TESTS_DIR, f), 'utf8').includes(`alertname: ${alert}\n`));
    if (relevant.length === 0) throw new Error(`no file in ${RULE_TESTS_DIR} tests ${alert}`);
    for (const f of relevant) fs.copyFileSync(path.join(RULE_TESTS_DIR, f), path.join(dir, 'tests', f));
    return promtool(['test', 'rules', ...relevant.map((f) => path.join(dir, 'tests', f))], dir);
  }

  it.each(loadAlertRules().map((r) => r.alert))('the unit tests catch %s never firing and always firing', async (alert) => {
    const never = await testsWithMutant(alert, 'vector(1) == 2');
    expect(never.code, `${alert} replaced by a rule that never fires, yet the unit tests pass: no test expects it to fire`).not.toBe(0);
    expect(never.out).toMatch(new RegExp(`alertname: ${alert},`));
    const always = await testsWithMutant(alert, 'vector(1)');
    expect(always.code, `${alert} replaced by a rule that always fires, yet the unit tests pass: no test expects it to stay quiet`).not.toBe(0);
    expect(always.out).toMatch(new RegExp(`alertname: ${alert},`));
  });
});
