import { instanceCommandApi } from '#commons/instance-command-api.ts';
import { cancelProcessInstance } from '#domain/operations/cancel-process-instance.ts';

/** POST /v2/process-instances/{processInstanceKey}/cancellation: cancel one instance (204; 404; 409 naming the rule). */
export const handler = instanceCommandApi(cancelProcessInstance);
