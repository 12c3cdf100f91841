// The command-line options of every bench/ script, on Node's own util.parseArgs. A script declares each
// option once (type, default, help); this module turns that into the --help text, refuses what it does
// not know, and converts values strictly, so a typo never becomes a silent default in a recorded figure.
//
//   const OPTIONS = defineOptions({ usage: 'npm run bench:x -- [options]', options: { runs: { type: 'integer', default: 3, help: '...' } } });
//   const opts = readOptions(OPTIONS);   // --help: prints and exits 0; a usage error: prints and exits 2
import { parseArgs } from 'node:util';

interface Common {
  help: string;
  /** The placeholder after the name in --help, e.g. BYTES (by type otherwise: N, A,B, TEXT). */
  value?: string;
  /** Shown instead of the default when the default is computed by the script (e.g. "10% of --messages"). */
  defaultText?: string;
}
export interface BooleanOption extends Common {
  type: 'boolean';
  /** On whenever --quick is given (off otherwise, unless given). */
  quick?: true;
}
export interface IntegerOption extends Common {
  type: 'integer';
  /** The smallest value accepted; 1 unless set. */
  min?: number;
  default?: number;
  /** The default when --quick is given. */
  quick?: number;
}
export interface IntegerListOption extends Common {
  type: 'integers';
  /** The smallest value accepted for every item; 1 unless set. */
  min?: number;
  default?: readonly number[];
  quick?: readonly number[];
}
export interface StringOption extends Common {
  type: 'string';
  default?: string;
}
export interface StringListOption extends Common {
  type: 'strings';
  /** Every item must be one of these. */
  choices?: readonly string[];
  default?: readonly string[];
}
export type OptionSpec = BooleanOption | IntegerOption | IntegerListOption | StringOption | StringListOption;

export interface OptionsDefinition<S extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The first line of --help, e.g. "npm run bench:smtp -- [options]". */
  usage: string;
  options: S;
}

type Base<O> = O extends BooleanOption ? boolean : O extends IntegerOption ? number : O extends IntegerListOption ? number[] : O extends StringListOption ? string[] : string;
/** An option without a default is undefined when not given; booleans are always true or false. */
export type OptionValue<O> = O extends BooleanOption ? boolean : O extends { default: unknown } ? Base<O> : Base<O> | undefined;
export type OptionValues<S> = { [K in keyof S]: OptionValue<S[K]> };

/** A mistake on the command line: the message names the option; scripts exit with code 2. */
export class UsageError extends Error {}

/** Checks the declaration once, where it is written, and keeps its literal types for OptionValues. */
export function defineOptions<const S extends Record<string, OptionSpec>>(definition: OptionsDefinition<S>): OptionsDefinition<S> {
  const specs: Record<string, OptionSpec> = definition.options;
  if ('help' in specs) throw new Error('--help is added by bench/options.ts; do not declare it');
  const usesQuick = Object.values(specs).some((o) => 'quick' in o && o.quick !== undefined);
  if (usesQuick && specs.quick?.type !== 'boolean') throw new Error('an option has a --quick default, but no boolean --quick option is declared');
  return definition;
}

/** Parses argv; returns 'help' when --help or -h is given. Throws UsageError on anything wrong. */
export function parseOptions<S extends Record<string, OptionSpec>>(definition: OptionsDefinition<S>, argv: readonly string[]): OptionValues<S> | 'help' {
  const specs: Record<string, OptionSpec> = definition.options;
  const config = Object.fromEntries(Object.entries(specs).map(([name, o]) => [name, { type: o.type === 'boolean' ? ('boolean' as const) : ('string' as const) }]));
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...config, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
  if (parsed.values.help) return 'help';
  // parseArgs keeps the last of a repeated option; in a benchmark command that is more likely a mistake.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const quick = raw.quick === true;
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) values[name] = valueOf(name, spec, raw[name], quick);
  return values as OptionValues<S>;
}

function valueOf(name: string, spec: OptionSpec, raw: string | boolean | undefined, quick: boolean): unknown {
  if (spec.type === 'boolean') return raw === true || (quick && spec.quick === true);
  if (raw === undefined) {
    const fallback = quick && 'quick' in spec && spec.quick !== undefined ? spec.quick : spec.default;
    return Array.isArray(fallback) ? [...fallback] : fallback;
  }
  const text = raw as string;
  switch (spec.type) {
    case 'string':
      return text;
    case 'integer':
      return integer(name, text, spec.min ?? 1);
    case 'integers':
      return items(name, text).map((item) => integer(name, item, spec.min ?? 1));
    case 'strings': {
      const list = items(name, text);
      const unknown = list.filter((item) => spec.choices !== undefined && !spec.choices.includes(item));
      if (unknown.length > 0) throw new UsageError(`--${name}: unknown ${unknown.join(', ')}; known: ${spec.choices!.join(', ')}`);
      return list;
    }
  }
}

/** Decimal digits only: Number() would also take '', ' ', '1e3', '0x10' and '1.0'. */
function integer(name: string, text: string, min: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

/** A comma-separated list; spaces around items are allowed, empty items ("1,,2", "1,") are not. */
function items(name: string, text: string): string[] {
  const list = text.split(',').map((item) => item.trim());
  if (list.some((item) => item === '')) throw new UsageError(`--${name} has an empty item in '${text}' (a comma-separated list)`);
  return list;
}

/** Node's messages, shortened to what a benchmark user needs: which option, and what is wrong with it. */
function describeParseError(err: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const option = quoted.split(' ')[0];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}': every value follows the option it belongs to`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // "--quick=yes" gives a flag a value; "--runs" at the end leaves one out; in "--runs --quick" or
      // "--runs -1" the next argument looks like an option, so parseArgs will not take it as the value.
      if (/does not take/.test(err.message)) return `${option} takes no value`;
      if (/ambiguous/.test(err.message)) return `${option} needs a value (one that starts with - is written ${option}=VALUE)`;
      return `${option} needs a value`;
    default:
      return err.message.split('\n')[0]!;
  }
}

/** The --help text: every option with its placeholder, its help and its default. */
export function helpText(definition: OptionsDefinition): string {
  const rows: Array<[string, string]> = Object.entries(definition.options).map(([name, spec]) => [
    `--${name}${spec.type === 'boolean' ? '' : ` ${spec.value ?? PLACEHOLDER[spec.type]}`}`,
    `${spec.help} (${describeDefault(spec)})`,
  ]);
  rows.push(['--help, -h', 'this text']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `Usage: ${definition.usage}\n\n${rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n')}\n`;
}

const PLACEHOLDER = { integer: 'N', integers: 'A,B', string: 'TEXT', strings: 'a,b' } as const;

function describeDefault(spec: OptionSpec): string {
  const show = (v: number | string | readonly (number | string)[] | undefined) => (v === undefined ? 'none' : Array.isArray(v) ? v.join(',') : String(v));
  const choices = spec.type === 'strings' && spec.choices ? `one or more of ${spec.choices.join(', ')}; ` : '';
  if (spec.type === 'boolean') return spec.quick ? 'default off; on with --quick' : 'default off';
  const quick = 'quick' in spec && spec.quick !== undefined ? `; with --quick ${show(spec.quick)}` : '';
  return `${choices}default ${spec.defaultText ?? show(spec.default)}${quick}`;
}

/**
 * The script's options, or the process ends: --help prints the text and exits 0, a usage error prints
 * it and exits 2. `derive` turns the values into what the script uses; a UsageError it throws (a check
 * across options) ends the same way.
 */
export function readOptions<S extends Record<string, OptionSpec>, R = OptionValues<S>>(
  definition: OptionsDefinition<S>,
  argv: readonly string[] = process.argv.slice(2),
  derive: (values: OptionValues<S>) => R = (values) => values as R,
): R {
  try {
    const parsed = parseOptions(definition, argv);
    if (parsed === 'help') {
      process.stdout.write(helpText(definition));
      process.exit(0);
    }
    return derive(parsed);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\nUsage: ${definition.usage} (--help lists every option)\n`);
    process.exit(2);
  }
}

/**
 * The arguments as a shell would need them to repeat this run, leaving out the named options (a --note
 * describes one run, not the command that reproduces it). Quotes only what needs quoting.
 */
export function reproducibleArgs(argv: readonly string[], leaveOut: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name !== undefined && leaveOut.includes(name)) {
      if (!arg.includes('=')) i++; // its value is the next argument
      continue;
    }
    kept.push(arg);
  }
  return kept.map((a) => (/^[\w,./=:-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}
