import { json, jsonApi } from '#commons/http.ts';
import { readableInstance } from '#commons/instance-read.ts';
import { services } from '#commons/services.ts';
import { callHierarchyOf } from '#domain/instance/call-hierarchy.ts';

/** GET /v2/process-instances/{processInstanceKey}/call-hierarchy: root first, the instance last; empty for a root. */
export const handler = jsonApi(async (event) =>
  json(200, await callHierarchyOf(services().instances, await readableInstance(event))),
);
