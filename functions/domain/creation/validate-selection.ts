import { InvalidArgumentError } from '../errors.ts';
import { parseProcessInstanceFilter } from '../filter/parse-filter.ts';
import { isEmptyFilter } from '../filter/process-instance-filter.ts';
import type { InstanceSelection } from '../initialization/item-provider/batch-item-keys.ts';
import { isKey } from '../keys.ts';
import { checkLimit, jsonBytes, MAX_PROCESS_INSTANCE_KEYS, MAX_STORED_REQUEST_BYTES } from '../limits.ts';

/**
 * A batch names its instances by a filter, a list of keys, or both; the dry run checks by the same
 * rule. Returns the selection as stored: the filter verbatim, the keys without repeats.
 */
export function validateSelection(selection: InstanceSelection): InstanceSelection {
  const { filter, processInstanceKeys } = selection;
  if ((filter === undefined || filter === null) && processInstanceKeys === undefined) {
    throw new InvalidArgumentError(
      'filter or processInstanceKeys is required: name the process instances to act on',
    );
  }
  const keys = processInstanceKeys && validateProcessInstanceKeys(processInstanceKeys);
  if (filter !== undefined && filter !== null) validateBatchFilter(filter);
  return {
    ...(filter !== undefined && filter !== null ? { filter } : {}),
    ...(keys ? { processInstanceKeys: keys } : {}),
  };
}

function validateProcessInstanceKeys(keys: readonly string[]): string[] {
  if (keys.length === 0)
    throw new InvalidArgumentError(
      'processInstanceKeys must not be empty: list at least one key, or omit it',
    );
  if (keys.length > MAX_PROCESS_INSTANCE_KEYS)
    throw new InvalidArgumentError(
      `processInstanceKeys lists ${keys.length} keys, more than the maximum of ${MAX_PROCESS_INSTANCE_KEYS}; use a filter (e.g. {"processInstanceKey": {"$in": [...]}}) or several batches`,
    );
  const invalid = keys.filter((key) => !isKey(key));
  if (invalid.length > 0)
    throw new InvalidArgumentError(
      `processInstanceKeys must be keys (strings of 1 to 19 digits); invalid: ${invalid
        .slice(0, 5)
        .map((key) => `'${key}'`)
        .join(', ')}${invalid.length > 5 ? ` and ${invalid.length - 5} more` : ''}`,
    );
  return [...new Set(keys)];
}

/** A batch's filter must be valid and not empty. */
export function validateBatchFilter(filterJson: unknown): void {
  if (filterJson === undefined || filterJson === null) {
    throw new InvalidArgumentError('filter is required: name the process instances to act on');
  }
  if (isEmptyFilter(parseProcessInstanceFilter(filterJson))) {
    throw new InvalidArgumentError(
      'filter must not be empty: an empty filter would match every process instance; name at least one criterion, e.g. {"processDefinitionId": "order-process"}',
    );
  }
}

/**
 * What a batch stores of its request (the instances it names and the operation's parameters) must fit
 * its record with room to spare; the dry run checks the same, so it refuses what creation would.
 */
export function validateStoredRequestSize(
  selection: InstanceSelection,
  parameters?: Record<string, unknown>,
): void {
  checkLimit(
    'The batch request (filter, processInstanceKeys and operation parameters as JSON)',
    jsonBytes({ ...selection, ...parameters }),
    MAX_STORED_REQUEST_BYTES,
    'bytes',
    'narrow the filter (fewer or shorter values) or split the work into several batches',
  );
}
