import { z } from 'zod';
import { type BatchControls, batchControlsSchema } from '#domain/batch/batch-operation.ts';
import type { InstanceSelection } from '#domain/initialization/item-provider/batch-item-keys.ts';
import { KEY_PATTERN } from '#domain/keys.ts';

/** How a creation request names its instances: Camunda's filter and/or, as an extension, a list of keys. */
export const instanceSelectionSchema = z.object({
  // The filter language is checked by its parser (functions/domain/filter/), with messages of its own.
  // Never empty (it would match every instance); null is taken as no filter.
  filter: z
    .unknown()
    .optional()
    .meta({ type: ['object', 'null'], minProperties: 1 }),
  // A list, when given, names at least one instance by its key (checked with the selection).
  processInstanceKeys: z
    .array(z.string().meta({ pattern: KEY_PATTERN.source }))
    .optional()
    .meta({ minItems: 1 }),
});

/** The selection's rule for the OpenAPI document (meta: JSON Schema): a filter, keys, or both. */
const SELECTION_REQUIRED = {
  anyOf: [
    { required: ['filter'], properties: { filter: { type: 'object' } } },
    { required: ['processInstanceKeys'] },
  ],
};

/** The body of a creation request that names its instances, with this service's optional controls. */
export const filterBatchRequestSchema = z
  .object({ ...instanceSelectionSchema.shape, ...batchControlsSchema.shape })
  .strict()
  .meta(SELECTION_REQUIRED);

/**
 * The body of a creation request whose operation takes parameters of its own (e.g. `retries`): the
 * instances, the controls and those parameters, nothing else.
 */
export function operationRequestSchema<Shape extends z.ZodRawShape>(parameters: z.ZodObject<Shape>) {
  return z
    .object({ ...instanceSelectionSchema.shape, ...batchControlsSchema.shape, ...parameters.shape })
    .strict()
    .meta(SELECTION_REQUIRED);
}

/** Splits a parsed creation body into its instances, its controls and the operation's parameters. */
export function splitOperationRequest<T extends InstanceSelection & BatchControls>(body: T) {
  const { selection, rest } = selectionOf(body);
  const { itemsPerSecond, failureThreshold, priority, startAt, windows, ...parameters } = rest;
  const controls: BatchControls = {
    ...(itemsPerSecond !== undefined ? { itemsPerSecond } : {}),
    ...(failureThreshold !== undefined ? { failureThreshold } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(startAt !== undefined ? { startAt } : {}),
    ...(windows !== undefined ? { windows } : {}),
  };
  return { selection, controls, parameters };
}

/** Splits a parsed creation body into the instances it names and the rest of its fields. */
function selectionOf<T extends InstanceSelection>(
  body: T,
): { selection: InstanceSelection; rest: Omit<T, 'filter' | 'processInstanceKeys'> } {
  const { filter, processInstanceKeys, ...rest } = body;
  return {
    selection: {
      ...(filter !== undefined ? { filter } : {}),
      ...(processInstanceKeys !== undefined ? { processInstanceKeys } : {}),
    },
    rest,
  };
}
