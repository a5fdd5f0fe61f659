import type { LiveControls } from './batch-operation.ts';

/**
 * The lifecycle actions taken on a batch: by a caller, or by the service itself (a scheduled start, a
 * maintenance window closing or opening), and the live changes of its controls.
 */
export const BATCH_AUDIT_ACTIONS = [
  'CREATE',
  'SUSPEND',
  'RESUME',
  'CANCEL',
  'RETRY',
  'START',
  'UPDATE',
] as const;
export type BatchAuditAction = (typeof BATCH_AUDIT_ACTIONS)[number];

/**
 * One action on a batch: who (Camunda 8.9's actor type and id; `SYSTEM` for the service's own), when,
 * what; a retry names the batch it created over this one's failed items, a creation the batch it
 * retries; the service's own actions say why, a live change what it changed.
 */
export interface BatchAuditEntry {
  batchOperationKey: string;
  action: BatchAuditAction;
  actorType: 'USER' | 'CLIENT' | 'SYSTEM';
  actorId: string;
  timestamp: string;
  relatedBatchOperationKey?: string;
  reason?: string;
  changes?: LiveControls;
}
