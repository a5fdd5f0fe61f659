import type { BatchAuditEntry } from '#domain/batch/batch-audit.ts';
import { callerContext } from './authorization.ts';
import type { HttpEvent } from './http.ts';
import { now, services } from './services.ts';

/** Records a caller's action on a batch in its audit log: who (the request's caller) and when (now). */
export function auditCallerAction(
  event: HttpEvent,
  entry: Omit<BatchAuditEntry, 'actorType' | 'actorId' | 'timestamp'>,
): Promise<void> {
  const { caller } = callerContext(event);
  return services().audit.record({
    ...entry,
    actorType: caller.actorType,
    actorId: caller.actorId,
    timestamp: now().toISOString(),
  });
}
