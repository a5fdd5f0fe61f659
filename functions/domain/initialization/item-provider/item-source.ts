import { isEmptyJobFilter, parseJobFilter } from '#domain/filter/job-filter.ts';
import type { Engine } from '#ports/engine.ts';
import { validateSelection } from '../../creation/validate-selection.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { OperationHandler } from '../../operations/operation-handler.ts';
import { batchItemKeys, type InstanceSelection } from './batch-item-keys.ts';
import type { ItemProviderDeps } from './matching-instance-keys.ts';
import { matchingJobKeys } from './matching-job-keys.ts';

/** One item of a batch: what it acts on (an instance, or a job) and the instance that is or holds it. */
export interface BatchItemRef {
  itemKey: string;
  processInstanceKey: string;
}

/**
 * What a batch's items are and where they come from: process instances (most types), or jobs
 * (UPDATE_JOB, Camunda 8.10's job batch). Creation checks the selection with `validate`; a shard's
 * initialization and the dry run read its items with `items`.
 */
export interface ItemSource {
  /** Names the items in messages and in the dry run's answer. */
  readonly noun: 'process instance' | 'job';
  /** The selection as stored; throws INVALID_ARGUMENT (400) when it is empty or invalid. */
  validate(selection: InstanceSelection): InstanceSelection;
  items(
    deps: ItemProviderDeps,
    selection: InstanceSelection,
    shard: { shard: number; shardCount: number },
    stats: { queryRetries: number },
  ): AsyncIterable<BatchItemRef>;
}

const processInstanceItems: ItemSource = {
  noun: 'process instance',
  validate: validateSelection,
  async *items(deps, selection, shard, stats) {
    for await (const key of batchItemKeys(deps, selection, shard, stats)) {
      yield { itemKey: key, processInstanceKey: key };
    }
  },
};

const jobItems: ItemSource = {
  noun: 'job',
  validate(selection) {
    // Camunda's JobBatchUpdateRequest names jobs by a filter only, with at least one criterion.
    if (isEmptyJobFilter(parseJobFilter(selection.filter))) {
      throw new InvalidArgumentError(
        'filter must not be empty: an empty filter would match every job; name at least one criterion, e.g. {"type": "payment", "state": "FAILED"}',
      );
    }
    return { filter: selection.filter };
  },
  items: (deps, selection, shard, stats) =>
    matchingJobKeys(deps, parseJobFilter(selection.filter), shard, stats),
};

/** The items of an operation type: jobs for a job operation, process instances for every other. */
export function itemSourceOf(operation: OperationHandler): ItemSource {
  return operation.kind === 'job' ? jobItems : processInstanceItems;
}

/**
 * A batch's selection checked as the batch will store it: in the engine's own query language where the
 * engine has one (Camunda 7), else Camunda 8's filter language by the operation's item source.
 */
export function validateSelectionOn(
  engine: Pick<Engine, 'validateSelection'>,
  operation: OperationHandler,
  selection: InstanceSelection,
): InstanceSelection {
  return engine.validateSelection
    ? engine.validateSelection(operation.type, selection)
    : itemSourceOf(operation).validate(selection);
}
