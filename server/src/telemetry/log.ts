// Structured logs by category. Every line carries `category`; callers add the session id and queue id
// through child loggers, so one session can be followed from connect to delivery.
//
// Categories gate detail, not trouble: info and below are written only while their category is on;
// warnings and errors are always written, so switching a category off never hides a failure.
// Lines go to stdout (JSON, or pretty on a terminal), to the live log, and to Loki when configured.
// None of these can block: stdout is buffered with a cap (what overflows is dropped and counted), the
// live log and the Loki client only append to bounded queues.
import pino, { type Level, type Logger } from 'pino';
import { CategorySwitches, LOG_CATEGORIES, type LogCategory } from './log-categories.ts';
import { LiveLogHub } from './live-log.ts';
import { fanOut, LineBatcher, STDOUT_BATCH, stdoutWriter, type LineSink } from './log-destinations.ts';

export { LOG_CATEGORIES, type LogCategory } from './log-categories.ts';

type LogArgs = [obj: object, msg?: string] | [msg: string];

export interface Log {
  trace(...args: LogArgs): void;
  debug(...args: LogArgs): void;
  info(...args: LogArgs): void;
  warn(...args: LogArgs): void;
  error(...args: LogArgs): void;
  fatal(...args: LogArgs): void;
  child(bindings: Record<string, unknown>): Log;
  isEnabled(level: Level): boolean;
}

const STDOUT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;
/** Levels written only while their category is on; the others are trouble and always written. */
const GATED: ReadonlySet<string> = new Set(['trace', 'debug', 'info']);
const SECRET_KEYS = ['password', 'pass', 'token', 'authorization'];
const REDACT = SECRET_KEYS;
const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/**
 * The fields with secrets one level down censored (what pino's "*.password" paths did), copying only
 * when there is one: most lines carry strings and numbers only, and cost a loop over their keys.
 */
export function withoutNestedSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const key in fields) {
    const value = fields[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Error) continue;
    let inner: Record<string, unknown> | null = null;
    for (const innerKey in value as Record<string, unknown>) {
      if (SECRET_KEY_SET.has(innerKey)) (inner ??= { ...(value as Record<string, unknown>) })[innerKey] = '[Redacted]';
    }
    if (inner) (copy ??= { ...fields })[key] = inner;
  }
  return copy ?? fields;
}

export const logStats = {
  lines: Object.fromEntries(LOG_CATEGORIES.map((c) => [c, 0])) as Record<LogCategory, number>,
  stdoutDropped: 0,
};

export const liveLog = new LiveLogHub();
let switches = new CategorySwitches(['application', 'delivery']);
let extraStreams: LineSink[] = [];

/**
 * What the line pino is writing right now is about, set by CategoryLog around each call (pino writes
 * to its destinations synchronously), so that the live log and the Loki stream need not parse the JSON
 * pino just made. Null for lines that do not come through a CategoryLog.
 */
export interface LineContext {
  category: LogCategory;
  level: Level;
  /** The call's own fields (its first argument when that is an object). */
  fields: Readonly<Record<string, unknown>> | undefined;
  /** The child logger's bindings (session id, queue id...). */
  bindings: Readonly<Record<string, unknown>>;
}
let writing: LineContext | null = null;

export function currentLine(): LineContext | null {
  return writing;
}

/** A field of the line being written: the call's own, else the child logger's. */
export function lineField(context: LineContext, name: string): unknown {
  return context.fields?.[name] ?? context.bindings[name];
}

/** Feeds the live log; looks at a line only when someone is watching. */
const liveStream: LineSink = {
  write(line: string) {
    if (liveLog.subscriberCount === 0) return;
    const context = writing;
    if (context) {
      const session = lineField(context, 'session');
      liveLog.publish({ category: context.category, session: typeof session === 'string' ? session : undefined, json: line.trimEnd() });
      return;
    }
    try {
      const parsed = JSON.parse(line) as { category?: string; session?: string };
      liveLog.publish({ category: parsed.category ?? 'application', session: parsed.session, json: line.trimEnd() });
    } catch {
      // not one of our lines
    }
  },
};

let stdoutBatch: LineBatcher | null = null;
let stdoutOut: ReturnType<typeof stdoutWriter> | null = null;

function stdoutSink(): LineSink {
  if (process.stdout.isTTY && process.env.MAILROOM_LOG_FORMAT !== 'json') {
    // Imported lazily: only an operator at a terminal needs it.
    return pinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service,pid,hostname' });
  }
  stdoutBatch?.flush(); // lines of the logger being replaced
  if (!stdoutOut) {
    // At exit, whatever is gathered goes out synchronously: the last lines before a crash matter most.
    process.once('exit', () => {
      stdoutBatch?.flush();
      stdoutOut?.flushSync();
    });
  }
  stdoutOut = stdoutWriter(STDOUT_MAX_BUFFER_BYTES, (lines) => (logStats.stdoutDropped += lines));
  stdoutBatch = new LineBatcher(stdoutOut, STDOUT_BATCH, () => writing !== null && !GATED.has(writing.level));
  return stdoutBatch;
}

let pinoPretty: (opts: object) => LineSink = () => pino.destination(1);

function build(level: string): Logger {
  const sinks: LineSink[] = [stdoutSink(), liveStream, ...extraStreams];
  // Top-level keys only: a wildcard path makes pino run every field of every line through the redactor.
  // Nested secrets are taken out before pino sees them (withoutNestedSecrets).
  return pino({ level, base: { service: 'mailroom' }, redact: REDACT }, fanOut(sinks));
}

// Until serve() configures it from the validated config, use MAILROOM_LOG_LEVEL only when it is a level
// pino knows: pino throws on anything else, before the config check could name the bad setting.
const envLevel = process.env.MAILROOM_LOG_LEVEL;
let root: Logger = build(envLevel && (envLevel in pino.levels.values || envLevel === 'silent') ? envLevel : 'info');

export interface LoggingSetup {
  level: string;
  switches: CategorySwitches;
  /** More destinations, e.g. the Loki client's stream; every line goes to each. */
  streams?: LineSink[];
}

export async function configureLogging(setup: LoggingSetup): Promise<void> {
  if (process.stdout.isTTY) {
    const mod = (await import('pino-pretty')) as unknown as { default: (opts: object) => LineSink };
    pinoPretty = mod.default;
  }
  switches = setup.switches;
  extraStreams = setup.streams ?? [];
  root = build(setup.level);
}

/** Changes the level of every logger at once (a configuration reload). */
export function setLogLevel(level: string): void {
  root.level = level;
}

export function categorySwitches(): CategorySwitches {
  return switches;
}

class CategoryLog implements Log {
  constructor(
    private readonly category: LogCategory,
    private readonly bindings: Record<string, unknown>,
    private readonly target: () => Logger,
  ) {}

  private emit(level: Level, args: LogArgs): void {
    if (GATED.has(level) && !switches.enabled(this.category)) return;
    const logger = this.target();
    if (!logger.isLevelEnabled(level)) return;
    logStats.lines[this.category]++;
    const outer = writing; // a serializer that logs would nest calls
    let fields: Record<string, unknown> | undefined;
    if (typeof args[0] === 'object' && args[0] !== null) {
      fields = withoutNestedSecrets(args[0] as Record<string, unknown>);
      args = [fields, args[1]];
    }
    writing = { category: this.category, level, fields, bindings: this.bindings };
    try {
      (logger[level] as (...a: unknown[]) => void)(...args);
    } finally {
      writing = outer;
    }
  }

  trace(...args: LogArgs) {
    this.emit('trace', args);
  }
  debug(...args: LogArgs) {
    this.emit('debug', args);
  }
  info(...args: LogArgs) {
    this.emit('info', args);
  }
  warn(...args: LogArgs) {
    this.emit('warn', args);
  }
  error(...args: LogArgs) {
    this.emit('error', args);
  }
  fatal(...args: LogArgs) {
    this.emit('fatal', args);
  }

  isEnabled(level: Level): boolean {
    return (!GATED.has(level) || switches.enabled(this.category)) && this.target().isLevelEnabled(level);
  }

  child(bindings: Record<string, unknown>): Log {
    const merged = { ...this.bindings, ...bindings };
    // The pino child is made on first use after each reconfiguration, so children outlive configureLogging.
    let made: { root: Logger; child: Logger } | null = null;
    return new CategoryLog(this.category, merged, () => {
      if (!made || made.root !== root) made = { root, child: root.child({ category: this.category, ...merged }) };
      return made.child;
    });
  }
}

export function logger(category: LogCategory): Log {
  let made: { root: Logger; child: Logger } | null = null;
  return new CategoryLog(category, {}, () => {
    if (!made || made.root !== root) made = { root, child: root.child({ category }) };
    return made.child;
  });
}
