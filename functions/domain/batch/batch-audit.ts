/** The lifecycle actions a caller takes on a batch. */
export const BATCH_AUDIT_ACTIONS = ['CREATE', 'SUSPEND', 'RESUME', 'CANCEL', 'RETRY'] as const;
export type BatchAuditAction = (typeof BATCH_AUDIT_ACTIONS)[number];

/**
 * One action on a batch: who (Camunda 8.9's actor type and id), when, what; a retry names the batch
 * it created over this one's failed items, a creation the batch it retries.
 */
export interface BatchAuditEntry {
  batchOperationKey: string;
  action: BatchAuditAction;
  actorType: 'USER' | 'CLIENT';
  actorId: string;
  timestamp: string;
  relatedBatchOperationKey?: string;
}
