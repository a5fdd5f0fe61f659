import type { InstanceScope } from '../authorization/permissions.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { type EngineDeps, STEP_ATTEMPTS } from '../instance/engine-step.ts';
import type {
  ItemErrorClass,
  JobOperation,
  OperationHandler,
  StepOperation,
  WriteOperation,
} from './operation-handler.ts';

/** What became of one item: done, or failed with the engine's reason. */
export type ItemResult =
  | { state: 'COMPLETED' }
  | { state: 'FAILED'; errorMessage: string; errorClass: ItemErrorClass };

/** The item of one batch: the instance it names (or, for a job operation, the job), and the batch's stored parameters. */
export interface BatchItem {
  batchOperationKey: string;
  processInstanceKey: string;
  /** The item's own key: the job's for a job operation (the instance's otherwise). */
  itemKey?: string;
  parameters?: unknown;
  /** What the batch's creator may act on, where it was restricted (the batch's stored scope). */
  scope?: InstanceScope;
}

/**
 * Applies a batch's operation to one instance, exactly once per batch: an instance already marked
 * with the batch key (a redelivered or resumed chunk) counts as done and is not changed again.
 */
export async function applyOperation(
  deps: EngineDeps,
  handler: OperationHandler,
  item: BatchItem,
): Promise<ItemResult> {
  switch (handler.kind) {
    case 'write':
      return (await applyWrites(deps, handler, [item]))[0];
    case 'step':
      return applyStep(deps, handler, item);
    case 'job':
      return applyToJob(deps, handler, item);
  }
}

/**
 * Applies a write operation to a group of one batch's items in batched conditional writes (one
 * request per 25 on DynamoDB), each applied or refused on its own, exactly once per batch as
 * `applyOperation`. Results in the order of the items.
 */
export async function applyWrites(
  deps: EngineDeps,
  handler: WriteOperation,
  items: readonly BatchItem[],
): Promise<ItemResult[]> {
  if (items.length === 0) return [];
  const now = deps.now().toISOString();
  const { batchOperationKey } = items[0];
  const results = await deps.instances.applyBatchCommands(
    batchOperationKey,
    items.map((item) => ({
      processInstanceKey: item.processInstanceKey,
      command: handler.command(now, item),
    })),
  );
  return Promise.all(
    results.map((result, index): Promise<ItemResult> | ItemResult => {
      if (result.applied || isMarkedBy(result.current?.batchOperationIds, batchOperationKey)) {
        return { state: 'COMPLETED' };
      }
      if (!result.current) return missing(deps, handler, items[index]);
      return {
        state: 'FAILED',
        errorMessage: handler.rejection(result.current),
        errorClass: 'INVALID_STATE',
      };
    }),
  );
}

/**
 * Read, decide, commit conditionally on the instance being as read; a lost race reads and decides
 * again (the instance may now be refused, or marked by this very batch).
 */
async function applyStep(deps: EngineDeps, handler: StepOperation, item: BatchItem): Promise<ItemResult> {
  const key = item.processInstanceKey;
  for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
    const instance = await deps.instances.getInstance(key);
    if (!instance) return missing(deps, handler, item);
    if (isMarkedBy(instance.batchOperationIds, item.batchOperationKey)) return { state: 'COMPLETED' };
    const decision = await handler.decide(deps, instance, {
      batchOperationKey: item.batchOperationKey,
      parameters: item.parameters,
      now: deps.now().toISOString(),
      ...(item.scope ? { scope: item.scope } : {}),
    });
    if ('refused' in decision) {
      return {
        state: 'FAILED',
        errorMessage: decision.refused,
        errorClass: decision.errorClass ?? 'INVALID_STATE',
      };
    }
    if (!decision.change.instance.after.batchOperationIds.includes(item.batchOperationKey)) {
      throw new Error(
        `${handler.type} decided a change of instance '${key}' that does not mark it with batch '${item.batchOperationKey}'`,
      );
    }
    if (await deps.engine.commit(decision.change)) return { state: 'COMPLETED' };
  }
  return {
    state: 'FAILED',
    errorMessage: `Expected to apply ${handler.type} to process instance with key '${key}', but its records kept changing concurrently; retry the failed items`,
    errorClass: 'CONCURRENT_CHANGE',
  };
}

/**
 * Read the job, decide, commit conditionally on its revision with the batch's mark; a lost race reads
 * and decides again. A job already marked with the batch key (a redelivered chunk) counts as done.
 */
async function applyToJob(deps: EngineDeps, handler: JobOperation, item: BatchItem): Promise<ItemResult> {
  const jobKey = item.itemKey ?? item.processInstanceKey;
  for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
    const job = await deps.engine.getJob(jobKey);
    if (!job) return { state: 'FAILED', errorMessage: handler.missing(jobKey), errorClass: 'NOT_FOUND' };
    const marks = job.batchOperationIds ?? [];
    if (isMarkedBy(marks, item.batchOperationKey)) return { state: 'COMPLETED' };
    const decision = handler.decide(job, {
      batchOperationKey: item.batchOperationKey,
      parameters: item.parameters,
      now: deps.now().toISOString(),
      ...(item.scope ? { scope: item.scope } : {}),
    });
    if ('refused' in decision) {
      return { state: 'FAILED', errorMessage: decision.refused, errorClass: 'INVALID_STATE' };
    }
    const after = { ...decision.job, batchOperationIds: [...marks, item.batchOperationKey].sort() };
    if (await deps.engine.commit({ jobs: [{ before: job, after }] })) return { state: 'COMPLETED' };
  }
  return {
    state: 'FAILED',
    errorMessage: `Expected to apply ${handler.type} to job with key '${jobKey}', but it kept changing concurrently; retry the failed items`,
    errorClass: 'CONCURRENT_CHANGE',
  };
}

/** Gone: deleted by this batch (its tombstone carries the batch key) counts as done, otherwise not found. */
async function missing(deps: EngineDeps, handler: OperationHandler, item: BatchItem): Promise<ItemResult> {
  const tombstone = await deps.instances.getTombstone(item.processInstanceKey);
  if (isMarkedBy(tombstone?.batchOperationIds, item.batchOperationKey)) return { state: 'COMPLETED' };
  return { state: 'FAILED', errorMessage: handler.missing(item.processInstanceKey), errorClass: 'NOT_FOUND' };
}

/** Reads in flight while asking which items a batch already changed (one read per job, or per missing instance). */
const APPLIED_READ_CONCURRENCY = 10;

/**
 * Whether a batch's operation already took effect on each item, in the order of the items: the record
 * the operation marks carries the batch's key. That record is the job for a job operation, and the
 * instance (or, once the batch deleted it, its tombstone) for every other. The one rule behind a
 * redelivered item counted as done (the apply paths above) and behind a chunk accounted without its
 * worker (a dead-lettered chunk, or the pending items of a stopped batch).
 */
export async function appliedByBatch(
  deps: Pick<EngineDeps, 'engine' | 'instances'>,
  handler: OperationHandler,
  batchOperationKey: string,
  items: readonly { itemKey: string; processInstanceKey: string }[],
): Promise<boolean[]> {
  if (handler.kind === 'job') {
    return mapWithConcurrency(items, APPLIED_READ_CONCURRENCY, async ({ itemKey }) =>
      isMarkedBy((await deps.engine.getJob(itemKey))?.batchOperationIds, batchOperationKey),
    );
  }
  const instances = new Map(
    (await deps.instances.getInstances(items.map((item) => item.processInstanceKey))).map((instance) => [
      instance.processInstanceKey,
      instance,
    ]),
  );
  return mapWithConcurrency(items, APPLIED_READ_CONCURRENCY, async ({ processInstanceKey }) => {
    const instance = instances.get(processInstanceKey);
    const marks = instance
      ? instance.batchOperationIds
      : (await deps.instances.getTombstone(processInstanceKey))?.batchOperationIds;
    return isMarkedBy(marks, batchOperationKey);
  });
}

/** A record's batch marks name the batch: the batch changed it (exactly-once rests on this mark). */
function isMarkedBy(marks: readonly string[] | undefined, batchOperationKey: string): boolean {
  return marks?.includes(batchOperationKey) ?? false;
}
