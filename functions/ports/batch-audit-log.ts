import type { BatchAuditEntry } from '#domain/batch/batch-audit.ts';

/** Every lifecycle action on a batch, in the order it happened: who, when, what. */
export interface BatchAuditLog {
  record(entry: BatchAuditEntry): Promise<void>;
  entriesOf(batchOperationKey: string): Promise<BatchAuditEntry[]>;
}
