import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_PATH, renderMetricsDoc } from './metrics-doc.ts';

describe('docs/metrics.md', () => {
  it('lists exactly the metrics of the live registry', async () => {
    const expected = await renderMetricsDoc();
    const actual = fs.readFileSync(DOC_PATH, 'utf8');
    // On failure: npx tsx server/src/telemetry/metrics-doc.ts --write
    expect(actual).toBe(expected);
    expect(actual).toContain('| `mailroom_messages_processed_total` | counter | `source` |');
    expect(actual).toContain('| `mailroom_sessions` | gauge | `protocol` |');
  });
});
