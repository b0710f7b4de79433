import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocuments } from './export-openapi';

/** The shared typed REST client (libs/api-client) is generated from these files; a service change must regenerate them. */
describe('the OpenAPI documents the REST client is typed from', () => {
  it('match what the services declare now (run `npm run openapi` after changing a route or DTO)', async () => {
    const documents = await openApiDocuments();
    for (const [name, document] of Object.entries(documents)) {
      const committed = JSON.parse(readFileSync(join(__dirname, '../../libs/api-client/src/generated', `${name}.openapi.json`), 'utf8'));
      expect({ name, document: JSON.parse(JSON.stringify(document)) }).toEqual({ name, document: committed });
    }
  });
});
