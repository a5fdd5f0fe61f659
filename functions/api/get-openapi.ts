import { json, jsonApi } from '#commons/http.ts';
import { openApiDocument } from '#resources/openapi.ts';

/** Built once per process: the route table does not change while it runs. */
const document = openApiDocument();

/** GET /v2/extensions/openapi.json: the OpenAPI description of exactly this service's routes. */
export const handler = jsonApi(() => Promise.resolve(json(200, document)));
