// The shared shape of a fuzz target and the one way every target is run: briefly inside `npm test`
// (a fixed number of runs) or for a time budget by `npm run fuzz`. A failure is reported with
// fast-check's seed and path, so FUZZ_SEED and FUZZ_PATH replay exactly that counterexample.
import fc from 'fast-check';

export interface FuzzTarget {
  /** "area/parser": the name `npm run fuzz -- <filter>` and vitest's -t match on. */
  name: string;
  /** One sentence: what must hold for every generated input. */
  checks: string;
  property: fc.IRawProperty<unknown, boolean>;
  /** Runs inside `npm test`; lower for the slow targets (a whole MIME parse per run). */
  testRuns?: number;
}

export interface Budget {
  numRuns?: number;
  /** Stop after this long and count the runs so far as a pass (the long run). */
  seconds?: number;
}

export interface Outcome {
  executions: number;
  elapsedMs: number;
  /** fast-check's report: counterexample, seed and path; absent when every run held. */
  failure?: string;
}

/** FUZZ_SEED and FUZZ_PATH replay a reported failure; FUZZ_RUNS overrides the run count. */
function replay(): { seed?: number; path?: string } {
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return { ...(seed ? { seed: Number(seed) } : {}), ...(path ? { path } : {}) };
}

export async function runTarget(target: FuzzTarget, budget: Budget): Promise<Outcome> {
  const timed = budget.seconds !== undefined;
  const started = performance.now();
  const details = await fc.check(target.property, {
    numRuns: timed ? Number.MAX_SAFE_INTEGER : Number(process.env.FUZZ_RUNS ?? budget.numRuns ?? 200),
    ...(timed ? { interruptAfterTimeLimit: budget.seconds! * 1000, markInterruptAsFailure: false } : {}),
    ...replay(),
  });
  const elapsedMs = performance.now() - started;
  const failure = details.failed ? `${target.name}: ${fc.defaultReportMessage(details) ?? 'failed'}\nreplay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}` : undefined;
  return { executions: details.numRuns, elapsedMs, ...(failure ? { failure } : {}) };
}

/**
 * Runs fn and lets through only the errors the parser documents (its reply-error type); anything
 * else (a TypeError, a RangeError from a runaway recursion) is the bug the target looks for.
 */
export function onlyThrows<T>(allowed: abstract new (...args: never[]) => Error, fn: () => T): T | Error {
  try {
    return fn();
  } catch (err) {
    if (err instanceof allowed) return err;
    throw err;
  }
}
