import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import type { HttpEvent } from './http.ts';
import { readableByKey } from './key-parameter.ts';
import { services } from './services.ts';

/**
 * The instance a read under `/v2/process-instances/{processInstanceKey}/...` is about: 404 for an
 * unknown key of any shape, and the same 404 outside the caller's READ_PROCESS_INSTANCE (as GET of
 * the instance: what a caller may not read does not exist for it).
 */
export function readableInstance(event: HttpEvent): Promise<ProcessInstance> {
  return readableByKey(event, 'processInstanceKey', 'Process instance', 'READ_PROCESS_INSTANCE', (key) =>
    services().instances.getInstance(key),
  );
}
