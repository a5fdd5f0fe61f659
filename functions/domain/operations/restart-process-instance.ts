import { z } from 'zod';
import { operationRequestSchema } from '#wire/batch-requests.ts';
import { flowNodesOf } from '../instance/definition-flow.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import { startTokens, withAllocatedKeys } from '../instance/token-flow.ts';
import { markedBy, type StepOperation } from './operation-handler.ts';

/** Elements one restart may start at: each becomes an element instance of the new instance. */
export const MAX_START_INSTRUCTIONS = 20;

/**
 * Extension (Camunda 7's restart batch): where the new instance starts, and the flags Camunda 7 takes
 * (recorded on the new instance; this engine has no listeners or input/output mappings to skip).
 */
export const restartParametersSchema = z
  .object({
    startInstructions: z
      .array(z.object({ elementId: z.string().min(1) }).strict())
      .min(1)
      .max(MAX_START_INSTRUCTIONS),
    skipCustomListeners: z.boolean().optional(),
    skipIoMappings: z.boolean().optional(),
  })
  .strict();
export type RestartParameters = z.infer<typeof restartParametersSchema>;

const FINISHED = ['COMPLETED', 'TERMINATED'];

/**
 * Restart, as Camunda 7 does it: a finished instance is not revived; a NEW instance of the same
 * definition starts at the given elements with the old instance's variables (and tags). The new
 * instance records where it came from (`restartedFrom`), the old one the instance it was restarted as
 * (`restartedAs`), in one transaction with the batch's mark on the old one, so a redelivered chunk
 * starts no second instance.
 */
export const restartProcessInstance: StepOperation = {
  kind: 'step',
  type: 'RESTART_PROCESS_INSTANCE',
  permission: 'CREATE_BATCH_OPERATION_RESTART_PROCESS_INSTANCE',
  itemPermission: 'CREATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/extensions/process-instances/restart',
    routeId: 'RestartProcessInstancesBatch',
    body: operationRequestSchema(restartParametersSchema),
  },
  async decide(deps, instance, context) {
    const parameters = restartParametersSchema.parse(context.parameters);
    const key = instance.processInstanceKey;
    if (!FINISHED.includes(instance.state)) {
      return {
        refused: `Expected to restart process instance with key '${key}', but it is ${instance.state}: only finished instances (COMPLETED, TERMINATED) can be restarted`,
      };
    }
    const definition = await deps.definitions.getDefinition(instance.processDefinitionKey);
    if (!definition) {
      return {
        refused: `Expected to restart process instance with key '${key}', but its process definition '${instance.processDefinitionKey}' no longer exists`,
        errorClass: 'NOT_FOUND',
      };
    }
    const elementIds = parameters.startInstructions.map((instruction) => instruction.elementId);
    const unknown = elementIds.filter((elementId) => !definition.elementIds.includes(elementId));
    if (unknown.length > 0) {
      return {
        refused: `Expected to restart process instance with key '${key}' at element '${unknown[0]}', but process ${definition.processDefinitionId} version ${definition.version} has no such element`,
      };
    }
    const nodes = await flowNodesOf(definition);
    const { restarted, jobs } = await withAllocatedKeys(
      (count) => deps.keys.nextKeys(count),
      (nextKey) => {
        const fresh = newInstanceOf(instance, nextKey(), context, parameters);
        const started = startTokens({ nodes, now: context.now, nextKey }, fresh, elementIds);
        return { restarted: started.instance, jobs: started.jobs };
      },
    );
    const restartedAs = [
      ...(instance.restartedAs ?? []),
      { processInstanceKey: restarted.processInstanceKey, batchOperationKey: context.batchOperationKey },
    ];
    return {
      change: {
        createInstance: restarted,
        createJobs: jobs,
        instance: {
          before: instance,
          after: markedBy({ ...instance, restartedAs }, context.batchOperationKey),
        },
      },
    };
  },
  missing: (key) =>
    `Expected to restart process instance with key '${key}', but no such process instance was found`,
};

function newInstanceOf(
  old: ProcessInstance,
  processInstanceKey: string,
  context: { batchOperationKey: string; now: string },
  parameters: RestartParameters,
): ProcessInstance {
  return {
    processInstanceKey,
    processDefinitionKey: old.processDefinitionKey,
    processDefinitionId: old.processDefinitionId,
    ...(old.processDefinitionName ? { processDefinitionName: old.processDefinitionName } : {}),
    processDefinitionVersion: old.processDefinitionVersion,
    ...(old.processDefinitionVersionTag
      ? { processDefinitionVersionTag: old.processDefinitionVersionTag }
      : {}),
    tenantId: old.tenantId,
    state: 'ACTIVE',
    startDate: context.now,
    hasIncident: false,
    variables: { ...old.variables },
    tags: [...old.tags],
    elementInstances: [],
    batchOperationIds: [],
    restartedFrom: {
      processInstanceKey: old.processInstanceKey,
      batchOperationKey: context.batchOperationKey,
      ...(parameters.skipCustomListeners !== undefined
        ? { skipCustomListeners: parameters.skipCustomListeners }
        : {}),
      ...(parameters.skipIoMappings !== undefined ? { skipIoMappings: parameters.skipIoMappings } : {}),
    },
  };
}
