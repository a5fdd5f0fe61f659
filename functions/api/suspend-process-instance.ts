import { instanceCommandApi } from '#commons/instance-command-api.ts';
import { suspendProcessInstance } from '#domain/operations/suspend-process-instance.ts';

/** POST /v2/process-instances/{processInstanceKey}/suspension: suspend one instance (204; 404; 409 naming the rule). */
export const handler = instanceCommandApi(suspendProcessInstance);
