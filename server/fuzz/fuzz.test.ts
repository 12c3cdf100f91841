// The short run of every fuzz target inside `npm test`: a few hundred inputs each. `npm run fuzz`
// runs the same targets for a time budget (run.ts); README.md says how to replay a failure.
import { describe, expect, it } from 'vitest';
import { runTarget } from './harness.ts';
import { TARGETS } from './targets/index.ts';

const RUNS = 300;

describe('fuzz targets (short run)', () => {
  for (const target of TARGETS) {
    it(`${target.name}: ${target.checks}`, async () => {
      const outcome = await runTarget(target, { numRuns: target.testRuns ?? RUNS });
      expect(outcome.failure).toBeUndefined();
    });
  }
});
