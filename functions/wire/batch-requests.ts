import { z } from 'zod';
import { type BatchControls, batchControlsSchema } from '#domain/batch/batch-operation.ts';
import type { InstanceSelection } from '#domain/initialization/item-provider/batch-item-keys.ts';

/** How a creation request names its instances: Camunda's filter and/or, as an extension, a list of keys. */
export const instanceSelectionSchema = z.object({
  filter: z.unknown().optional(),
  processInstanceKeys: z.array(z.string()).optional(),
});

/** The body of a creation request that names its instances, with this service's optional controls. */
export const filterBatchRequestSchema = z
  .object({ ...instanceSelectionSchema.shape, ...batchControlsSchema.shape })
  .strict();

/**
 * The body of a creation request whose operation takes parameters of its own (e.g. `retries`): the
 * instances, the controls and those parameters, nothing else.
 */
export function operationRequestSchema<Shape extends z.ZodRawShape>(parameters: z.ZodObject<Shape>) {
  return z
    .object({ ...instanceSelectionSchema.shape, ...batchControlsSchema.shape, ...parameters.shape })
    .strict();
}

/** Splits a parsed creation body into its instances, its controls and the operation's parameters. */
export function splitOperationRequest<T extends InstanceSelection & BatchControls>(body: T) {
  const { selection, rest } = selectionOf(body);
  const { itemsPerSecond, failureThreshold, ...parameters } = rest;
  const controls: BatchControls = {
    ...(itemsPerSecond !== undefined ? { itemsPerSecond } : {}),
    ...(failureThreshold !== undefined ? { failureThreshold } : {}),
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
