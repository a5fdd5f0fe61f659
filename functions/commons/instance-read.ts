import type { ProcessInstanceResult } from '#ports/engine-reads.ts';
import { reads } from './engine-routes.ts';
import type { HttpEvent } from './http.ts';
import { readableByKey } from './key-parameter.ts';

/**
 * The instance a read under `/v2/process-instances/{processInstanceKey}/...` is about, from the
 * engine's reads: 404 for an unknown key of any shape, and the same 404 outside the caller's
 * READ_PROCESS_INSTANCE (as GET of the instance: what a caller may not read does not exist for it).
 */
export function readableInstance(event: HttpEvent): Promise<ProcessInstanceResult> {
  return readableByKey(event, 'processInstanceKey', 'Process instance', 'READ_PROCESS_INSTANCE', (key) =>
    reads(event).getProcessInstance(key),
  );
}
