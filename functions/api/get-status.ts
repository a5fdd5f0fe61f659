import { json, jsonApi } from '#commons/http.ts';

/**
 * GET /v2/status: 204 when the service answers, as Camunda's cluster status does when a partition
 * has a healthy leader (every shard here is served by the same handlers).
 */
export const handler = jsonApi(async () => json(204));
