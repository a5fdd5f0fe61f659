import { json, jsonApi } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { toTopologyResponse } from '#wire/topology.ts';

/** GET /v2/topology: the service as one broker whose partitions are its shards (Camunda's connection check). */
export const handler = jsonApi(async () => json(200, toTopologyResponse(services().config.SHARD_COUNT)));
