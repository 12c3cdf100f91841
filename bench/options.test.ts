// The bench scripts' option parser (options.ts): defaults and --quick defaults, strict numbers and lists,
// usage errors that name the option, the --help text, and readOptions' exit codes in a real process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defineOptions, helpText, parseOptions, reproducibleArgs, UsageError } from './options.ts';

const OPTIONS = defineOptions({
  usage: 'npm run bench:example -- [options]',
  options: {
    runs: { type: 'integer', default: 3, quick: 1, help: 'timed runs' },
    warmup: { type: 'integer', min: 0, defaultText: '10% of --messages', help: 'warm-up messages' },
    sizes: { type: 'integers', default: [1024, 102_400], quick: [1024], help: 'payload sizes', value: 'BYTES,...' },
    targets: { type: 'strings', choices: ['mailroom', 'postfix'], default: ['mailroom', 'postfix'], defaultText: 'all', help: 'servers to run' },
    note: { type: 'string', help: 'a line about the conditions' },
    'no-write': { type: 'boolean', quick: true, help: 'print only' },
    'no-profile': { type: 'boolean', help: 'skip the profile' },
    quick: { type: 'boolean', help: 'smoke test' },
  },
});

const parse = (...argv: string[]) => parseOptions(OPTIONS, argv);
const usageError = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('parseOptions', () => {
  it('gives every default, and undefined for an option without one', () => {
    expect(parse()).toEqual({ runs: 3, warmup: undefined, sizes: [1024, 102_400], targets: ['mailroom', 'postfix'], note: undefined, 'no-write': false, 'no-profile': false, quick: false });
  });

  it('switches to the --quick defaults, and what is given still wins', () => {
    expect(parse('--quick')).toMatchObject({ runs: 1, sizes: [1024], 'no-write': true, 'no-profile': false });
    expect(parse('--quick', '--runs', '2')).toMatchObject({ runs: 2 });
  });

  it('converts numbers, lists and strings, in both --name value and --name=value form', () => {
    expect(parse('--runs', '5', '--warmup=0', '--sizes', '512, 2048', '--targets=postfix', '--note', 'busy machine', '--no-profile')).toMatchObject({
      runs: 5,
      warmup: 0,
      sizes: [512, 2048],
      targets: ['postfix'],
      note: 'busy machine',
      'no-profile': true,
    });
  });

  it('does not share the default list between parses', () => {
    const first = parse();
    if (first === 'help') throw new Error('unexpected help');
    first.sizes.push(1);
    expect(parse()).toMatchObject({ sizes: [1024, 102_400] });
  });

  it('refuses anything but decimal digits for a number, naming the option', () => {
    for (const bad of ['abc', '', ' ', '1e3', '0x10', '1.5', '-1', '3 ', '+3']) expect(usageError(`--runs=${bad}`)).toBe(`--runs must be an integer >= 1, got '${bad}'`);
    expect(usageError('--runs', '0')).toBe("--runs must be an integer >= 1, got '0'");
    expect(usageError('--warmup=-1')).toBe("--warmup must be an integer >= 0, got '-1'");
    expect(usageError('--runs', '99999999999999999999')).toMatch(/^--runs must be an integer/);
  });

  it('refuses empty and bad list items, naming the option', () => {
    expect(usageError('--sizes', '1024,,2048')).toBe("--sizes has an empty item in '1024,,2048' (a comma-separated list)");
    expect(usageError('--sizes', '1024,')).toMatch(/^--sizes has an empty item/);
    expect(usageError('--sizes', '1024,1k')).toBe("--sizes must be an integer >= 1, got '1k'");
    expect(usageError('--targets', 'mailroom,exim')).toBe('--targets: unknown exim; known: mailroom, postfix');
  });

  it('refuses unknown options, stray arguments, missing and unwanted values, and repeats', () => {
    expect(usageError('--runz', '3')).toBe('unknown option --runz');
    expect(usageError('-x')).toBe('unknown option -x');
    expect(usageError('--runs', '3', 'extra')).toBe("unexpected argument 'extra': every value follows the option it belongs to");
    expect(usageError('--runs')).toBe('--runs needs a value');
    expect(usageError('--runs', '--quick')).toBe('--runs needs a value (one that starts with - is written --runs=VALUE)');
    expect(usageError('--runs', '-1')).toBe('--runs needs a value (one that starts with - is written --runs=VALUE)');
    expect(usageError('--quick=yes')).toBe('--quick takes no value');
    expect(usageError('--runs', '3', '--runs=4')).toBe('--runs is given more than once');
  });

  it('answers --help and -h, even among other options', () => {
    expect(parse('--help')).toBe('help');
    expect(parse('--runs', '2', '-h')).toBe('help');
  });
});

describe('helpText', () => {
  it('lists every option with its placeholder, help and default', () => {
    expect(helpText(OPTIONS)).toBe(
      [
        'Usage: npm run bench:example -- [options]',
        '',
        '  --runs N           timed runs (default 3; with --quick 1)',
        '  --warmup N         warm-up messages (default 10% of --messages)',
        '  --sizes BYTES,...  payload sizes (default 1024,102400; with --quick 1024)',
        '  --targets a,b      servers to run (one or more of mailroom, postfix; default all)',
        '  --note TEXT        a line about the conditions (default none)',
        '  --no-write         print only (default off; on with --quick)',
        '  --no-profile       skip the profile (default off)',
        '  --quick            smoke test (default off)',
        '  --help, -h         this text',
        '',
      ].join('\n'),
    );
  });
});

describe('defineOptions', () => {
  it('refuses a --quick default without a --quick option, and a declared --help', () => {
    expect(() => defineOptions({ usage: 'x', options: { runs: { type: 'integer', default: 3, quick: 1, help: '' } } })).toThrow(/no boolean --quick option/);
    expect(() => defineOptions({ usage: 'x', options: { help: { type: 'boolean', help: '' } } })).toThrow(/--help is added/);
  });
});

describe('reproducibleArgs', () => {
  it('leaves out the named options with their values, and quotes what a shell would split', () => {
    expect(reproducibleArgs(['--runs', '5', '--note', 'idle machine', '--targets', 'mailroom,postfix'], ['note'])).toBe('--runs 5 --targets mailroom,postfix');
    expect(reproducibleArgs(['--note=idle', '--size', '1024'], ['note'])).toBe('--size 1024');
    expect(reproducibleArgs(['--label', "it's"], [])).toBe(`--label 'it'\\''s'`);
  });
});

describe('readOptions in a script', () => {
  // A real process: readOptions ends it, and the exit code is what a shell or CI sees.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-options-'));
  const script = path.join(dir, 'script.ts');
  const options = fileURLToPath(new URL('./options.ts', import.meta.url));
  fs.writeFileSync(
    script,
    [
      `import { defineOptions, readOptions, UsageError } from ${JSON.stringify(options)};`,
      `const OPTIONS = defineOptions({ usage: 'script -- [options]', options: { runs: { type: 'integer', default: 3, help: 'timed runs' }, sizes: { type: 'integers', default: [1], help: 'sizes' } } });`,
      `const opts = readOptions(OPTIONS, process.argv.slice(2), (v) => { if (v.sizes.length > v.runs) throw new UsageError('--sizes: at most one per run'); return v; });`,
      'console.log(JSON.stringify(opts));',
    ].join('\n'),
  );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('prints the values, the help (exit 0), or the error and the usage line (exit 2)', () => {
    expect(run('--runs', '4')).toMatchObject({ status: 0, stdout: '{"runs":4,"sizes":[1]}\n' });
    expect(run('--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Usage: script -- \[options\]\n\n {2}--runs N/) });
    expect(run('--bogus')).toMatchObject({ status: 2, stdout: '', stderr: 'unknown option --bogus\nUsage: script -- [options] (--help lists every option)\n' });
    expect(run('--runs', 'x')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^--runs must be an integer >= 1, got 'x'\n/) });
    expect(run('--runs', '1', '--sizes', '1,2')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^--sizes: at most one per run\n/) });
  });
});
