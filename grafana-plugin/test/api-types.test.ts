// @vitest-environment node
// The app's API types are the server's: src/api/openapi-types.ts must be exactly what the current server's
// OpenAPI document generates. When this fails, a route's documented shape changed: run
// `npm run api:types --workspace grafana-plugin`, then fix what the type checker reports in the app.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateApiTypes, serverDocument, TYPES_FILE } from '../scripts/api-types';

type Doc = { components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> } };
let doc: Doc;

beforeAll(() => {
  // From the server's sources, the same code GET /api/v1/openapi.json runs (a child process, about 2 s).
  doc = serverDocument() as Doc;
});

describe('generated API types', () => {
  it("src/api/openapi-types.ts is what the server's OpenAPI document generates", async () => {
    const committed = fs.readFileSync(TYPES_FILE, 'utf8');
    const current = await generateApiTypes(structuredClone(doc));
    // Not toEqual on 2,000 lines: the message says what to do.
    expect(current === committed, 'src/api/openapi-types.ts is out of date: run `npm run api:types --workspace grafana-plugin`').toBe(true);
  });

  it('notices a change: a field added to a response schema changes the output', async () => {
    const changed = structuredClone(doc);
    const server = changed.components.schemas.ServerInfo!;
    server.properties.extraField = { type: 'string' };
    server.required.push('extraField');
    expect(await generateApiTypes(changed)).toMatch(/extraField: string;/);
  });
});
