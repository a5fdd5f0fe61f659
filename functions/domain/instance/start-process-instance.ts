import type { EngineStore } from '#ports/engine-store.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { InvalidArgumentError, NotFoundError } from '../errors.ts';
import { flowNodesOf } from './definition-flow.ts';
import { DEFAULT_TENANT_ID, type ProcessDefinition } from './process-definition.ts';
import type { ProcessInstance } from './process-instance.ts';
import { startTokens, withAllocatedKeys } from './token-flow.ts';

export interface StartProcessInstanceRequest {
  processDefinitionKey?: string;
  processDefinitionId?: string;
  processDefinitionVersion?: number;
  tenantId?: string;
  variables?: Record<string, unknown>;
  startInstructions?: { elementId: string }[];
  tags?: string[];
}

/**
 * Creates an instance of a deployed definition: its token leaves the none start event (or starts at
 * each start instruction's element) and moves on until it waits at a task, creating a job at a service
 * task. A definition whose start leads straight to an end creates a COMPLETED instance, as the engine
 * would. The instance and its jobs are written in one transaction.
 */
export async function startProcessInstance(
  deps: {
    definitions: ProcessDefinitionStore;
    engine: EngineStore;
    keys: KeyGenerator;
    now: () => Date;
  },
  request: StartProcessInstanceRequest,
  /** Refuses the caller on the resolved definition (a 403), before anything is written. */
  authorize: (definition: ProcessDefinition) => void = () => undefined,
) {
  const definition = await findDefinition(deps.definitions, request);
  authorize(definition);
  const startElements = request.startInstructions?.map((instruction) => instruction.elementId) ?? [];
  for (const elementId of startElements) {
    if (!definition.elementIds.includes(elementId)) {
      throw new InvalidArgumentError(
        `startInstructions: element '${elementId}' does not exist in process ${definition.processDefinitionId} version ${definition.version}`,
      );
    }
  }
  const nodes = await flowNodesOf(definition);
  const [processInstanceKey] = await deps.keys.nextKeys(1);
  const startDate = deps.now().toISOString();
  const variables = Object.fromEntries(
    Object.entries(request.variables ?? {}).map(([name, value]) => [name, JSON.stringify(value)]),
  );
  const created: ProcessInstance = {
    processInstanceKey,
    processDefinitionKey: definition.processDefinitionKey,
    processDefinitionId: definition.processDefinitionId,
    ...(definition.name ? { processDefinitionName: definition.name } : {}),
    processDefinitionVersion: definition.version,
    ...(definition.versionTag ? { processDefinitionVersionTag: definition.versionTag } : {}),
    tenantId: definition.tenantId,
    state: 'ACTIVE',
    startDate,
    hasIncident: false,
    variables,
    tags: request.tags ?? [],
    elementInstances: [],
    batchOperationIds: [],
  };
  const { instance, jobs } = await withAllocatedKeys(
    (count) => deps.keys.nextKeys(count),
    (nextKey) => startTokens({ nodes, now: startDate, nextKey }, created, startElements),
  );
  // The keys are fresh, so the only refusal left is a key collision: a broken key generator.
  if (!(await deps.engine.commit({ createInstance: instance, createJobs: jobs }))) {
    throw new Error(`Process instance key ${processInstanceKey} was taken already`);
  }
  return {
    processDefinitionId: instance.processDefinitionId,
    processDefinitionVersion: instance.processDefinitionVersion,
    tenantId: instance.tenantId,
    variables: request.variables ?? {},
    processDefinitionKey: instance.processDefinitionKey,
    processInstanceKey,
    tags: instance.tags,
    // Camunda 8.10's business id is not covered (see README, deviations).
    businessId: null,
  };
}

async function findDefinition(
  store: ProcessDefinitionStore,
  request: StartProcessInstanceRequest,
): Promise<ProcessDefinition> {
  const tenantId = request.tenantId || DEFAULT_TENANT_ID;
  if (request.processDefinitionKey) {
    const definition = await store.getDefinition(request.processDefinitionKey);
    if (!definition || (request.tenantId && definition.tenantId !== tenantId)) {
      throw new NotFoundError(
        `Expected to find process definition with key '${request.processDefinitionKey}', but none found`,
      );
    }
    return definition;
  }
  if (!request.processDefinitionId) {
    throw new InvalidArgumentError(
      'Name the process to start: processDefinitionKey, or processDefinitionId (+ processDefinitionVersion)',
    );
  }
  // Camunda uses -1 for "the latest version".
  const version =
    request.processDefinitionVersion === undefined || request.processDefinitionVersion < 0
      ? undefined
      : request.processDefinitionVersion;
  const definition = await store.findDefinition(request.processDefinitionId, tenantId, version);
  if (!definition) {
    const which = version === undefined ? 'latest version' : `version ${version}`;
    throw new NotFoundError(
      `Expected to find the ${which} of process definition '${request.processDefinitionId}' in tenant '${tenantId}', but none found`,
    );
  }
  return definition;
}
