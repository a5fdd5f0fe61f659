import { requestJson } from './http.ts';
import type { ProcessInstance } from './types.ts';

/** GET /v2/process-instances/{processInstanceKey} */
export const getProcessInstance = (processInstanceKey: string) =>
  requestJson<ProcessInstance>('GET', `/v2/process-instances/${encodeURIComponent(processInstanceKey)}`);
