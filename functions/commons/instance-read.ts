import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { requireInScope } from './authorization.ts';
import type { HttpEvent } from './http.ts';
import { foundByKey } from './key-parameter.ts';
import { services } from './services.ts';

/**
 * The instance a read under `/v2/process-instances/{processInstanceKey}/...` is about: 404 for an
 * unknown key of any shape, 403 outside the caller's READ_PROCESS_INSTANCE (as GET of the instance).
 */
export async function readableInstance(event: HttpEvent): Promise<ProcessInstance> {
  const instance = await foundByKey(event, 'processInstanceKey', 'Process instance', (key) =>
    services().instances.getInstance(key),
  );
  requireInScope(event, 'READ_PROCESS_INSTANCE', instance);
  return instance;
}
