// Prints the admin API's OpenAPI document, the one GET /api/v1/openapi.json serves, without starting a
// server: `npm run openapi --workspace server`. The Grafana app generates its API types from this output
// (grafana-plugin/scripts/api-types.ts).
import fs from 'node:fs';
import { openApiDocument } from '../src/admin/openapi.ts';

const { version } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
process.stdout.write(`${JSON.stringify(openApiDocument(version), null, 2)}\n`);
