// `npm run fuzz`: every target (or those whose name contains an argument) for FUZZ_SECONDS each
// (default 60), one after the other. Prints executions and executions per second per target, and on a
// failure fast-check's counterexample with the seed and path that replay it; exits 1 if any failed.
//
//   npm run fuzz                          # every target, 60 s each
//   FUZZ_SECONDS=20 npm run fuzz -- imap  # the IMAP targets, 20 s each
import { runTarget } from './harness.ts';
import { TARGETS } from './targets/index.ts';

// The YAML parser reports odd documents as process warnings, by the thousand under config/load.
process.removeAllListeners('warning');

const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
const filters = process.argv.slice(2);
const chosen = TARGETS.filter((t) => filters.length === 0 || filters.some((f) => t.name.includes(f)));
if (!(seconds > 0) || chosen.length === 0) {
  console.error(`nothing to run: FUZZ_SECONDS=${process.env.FUZZ_SECONDS ?? ''}, targets matching ${filters.join(' ') || '(all)'}: ${chosen.length}`);
  process.exit(2);
}

console.log(`fuzzing ${chosen.length} targets for ${seconds} s each`);
const failures: string[] = [];
let total = 0;
for (const target of chosen) {
  const outcome = await runTarget(target, { seconds });
  total += outcome.executions;
  const rate = outcome.executions / (outcome.elapsedMs / 1000);
  console.log(`${target.name.padEnd(24)} ${String(outcome.executions).padStart(10)} executions ${rate.toFixed(0).padStart(8)}/s  ${outcome.failure ? 'FAILED' : 'ok'}`);
  if (outcome.failure) failures.push(outcome.failure);
}
console.log(`${total} executions in all`);
for (const failure of failures) console.error(`\n${failure}`);
process.exit(failures.length > 0 ? 1 : 0);
