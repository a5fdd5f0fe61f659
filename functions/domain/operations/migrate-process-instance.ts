import { z } from 'zod';
import type { EngineStore, Transition } from '#ports/engine-store.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { operationRequestSchema } from '#wire/batch-requests.ts';
import { isInScope } from '../authorization/permissions.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { Incident } from '../incident/incident.ts';
import { flowNodesOf } from '../instance/definition-flow.ts';
import type { FlowNode } from '../instance/flow-model.ts';
import type { ProcessDefinition } from '../instance/process-definition.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import type { Job } from '../job/job.ts';
import {
  markedBy,
  type OperationContext,
  type OperationDecision,
  type StepOperation,
} from './operation-handler.ts';
import { pinnedDefinitions } from './pinned-definitions.ts';

/** Camunda 8's migration plan: the target definition and which source element becomes which target element. */
export const migrationPlanSchema = z
  .object({
    targetProcessDefinitionKey: z.string().min(1),
    mappingInstructions: z.array(
      z.object({ sourceElementId: z.string().min(1), targetElementId: z.string().min(1) }).strict(),
    ),
  })
  .strict();
export type MigrationPlan = z.infer<typeof migrationPlanSchema>;

/** Camunda's ProcessInstanceMigrationInstruction: a batch's migration plan, with an optional operation reference. */
export const instanceMigrationSchema = migrationPlanSchema.extend({
  operationReference: z.number().int().optional(),
});

/** What a MIGRATE_PROCESS_INSTANCE batch stores as its parameters. */
export const migrationParametersSchema = z.object({ migrationPlan: migrationPlanSchema }).strict();

const describe = (definition: ProcessDefinition) =>
  `process definition '${definition.processDefinitionId}' version ${definition.version} (key '${definition.processDefinitionKey}')`;

/**
 * Creation's check of a migration plan (400 naming the problem): the target definition exists, every
 * target element exists in it, no source element is mapped twice, and where the filter pins the
 * source definitions, every source element exists in at least one of them.
 */
export async function validateMigrationPlan(
  definitions: ProcessDefinitionStore,
  filter: unknown,
  plan: MigrationPlan,
): Promise<void> {
  const target = await definitions.getDefinition(plan.targetProcessDefinitionKey);
  if (!target) {
    throw new InvalidArgumentError(
      `migrationPlan.targetProcessDefinitionKey: no process definition with key '${plan.targetProcessDefinitionKey}' exists`,
    );
  }
  const targetIds = new Set((await flowNodesOf(target)).map((node) => node.id));
  const firstMapped = new Map<string, number>();
  plan.mappingInstructions.forEach(({ sourceElementId, targetElementId }, index) => {
    const where = `migrationPlan.mappingInstructions[${index}]`;
    const earlier = firstMapped.get(sourceElementId);
    if (earlier !== undefined) {
      throw new InvalidArgumentError(
        `${where}.sourceElementId: source element '${sourceElementId}' is mapped more than once (also in mappingInstructions[${earlier}]); map each source element to one target element`,
      );
    }
    firstMapped.set(sourceElementId, index);
    if (!targetIds.has(targetElementId)) {
      throw new InvalidArgumentError(
        `${where}.targetElementId: target element '${targetElementId}' does not exist in target ${describe(target)}`,
      );
    }
  });
  const sources = await pinnedDefinitions(definitions, filter);
  if (!sources || sources.length === 0) return;
  const sourceIds = await Promise.all(
    sources.map(async (source) => new Set((await flowNodesOf(source)).map((node) => node.id))),
  );
  plan.mappingInstructions.forEach(({ sourceElementId }, index) => {
    if (sourceIds.some((ids) => ids.has(sourceElementId))) return;
    throw new InvalidArgumentError(
      `migrationPlan.mappingInstructions[${index}].sourceElementId: source element '${sourceElementId}' does not exist in ${sources.map(describe).join(' nor in ')}`,
    );
  });
}

/**
 * Migrates an instance as Camunda does: only an ACTIVE instance, only within its tenant, and every
 * active element instance needs a mapping to an element of the same type in the matching flow scope,
 * otherwise the item fails naming the element. The instance then belongs to the target definition
 * (key, id, version, name, version tag), its active element instances, open incidents and open jobs
 * carry the mapped element ids, and its jobs take the target task's job type (so the new version's
 * workers pick them up). Finished element instances keep their ids, as history.
 */
export async function decideMigration(
  deps: {
    engine: Pick<EngineStore, 'openJobsOf' | 'getIncident'>;
    definitions: Pick<ProcessDefinitionStore, 'getDefinition'>;
  },
  instance: ProcessInstance,
  context: OperationContext,
): Promise<OperationDecision> {
  const { migrationPlan } = migrationParametersSchema.parse(context.parameters);
  const key = instance.processInstanceKey;
  const targetKey = migrationPlan.targetProcessDefinitionKey;
  const expected = `Expected to migrate process instance with key '${key}' to process definition with key '${targetKey}'`;
  if (instance.state !== 'ACTIVE') {
    return { refused: `${expected}, but it is ${instance.state}: only ACTIVE instances can be migrated` };
  }
  const [source, target] = await Promise.all([
    deps.definitions.getDefinition(instance.processDefinitionKey),
    deps.definitions.getDefinition(targetKey),
  ]);
  if (!target) return { refused: `${expected}, but the target process definition does not exist` };
  // Its definition id is not named: the creator may not read it.
  if (context.scope && !isInScope(context.scope, target)) {
    return {
      refused: `Not authorized to migrate process instance with key '${key}' into process definition with key '${targetKey}': the batch's creator held no '${context.scope.permission}' permission on it when it created the batch`,
      errorClass: 'NOT_AUTHORIZED',
    };
  }
  if (!source) {
    return {
      refused: `${expected}, but its own process definition '${instance.processDefinitionKey}' is gone`,
    };
  }
  if (target.tenantId !== instance.tenantId) {
    return {
      refused: `${expected}, but the target belongs to tenant '${target.tenantId}' and the instance to tenant '${instance.tenantId}': instances migrate within their tenant`,
    };
  }
  const sourceNodes = new Map((await flowNodesOf(source)).map((node) => [node.id, node]));
  const targetNodes = new Map((await flowNodesOf(target)).map((node) => [node.id, node]));
  const mapping = new Map(
    migrationPlan.mappingInstructions.map((m) => [m.sourceElementId, m.targetElementId]),
  );
  const active = instance.elementInstances.filter((element) => element.state === 'ACTIVE');
  for (const { elementId } of active) {
    const problem = mappingProblem(elementId, mapping, sourceNodes, targetNodes);
    if (problem) return { refused: `${expected}, but ${problem}` };
  }
  const migratedIds = new Set(active.map((element) => element.elementInstanceKey));
  const mapped = (elementInstanceKey: string, elementId: string) =>
    migratedIds.has(elementInstanceKey) ? (mapping.get(elementId) ?? elementId) : elementId;
  const definitionFields = {
    processDefinitionKey: target.processDefinitionKey,
    processDefinitionId: target.processDefinitionId,
    processDefinitionVersion: target.version,
  };
  const { processDefinitionName: _name, processDefinitionVersionTag: _tag, ...rest } = instance;
  const after: ProcessInstance = {
    ...rest,
    ...definitionFields,
    ...(target.name === undefined ? {} : { processDefinitionName: target.name }),
    ...(target.versionTag === undefined ? {} : { processDefinitionVersionTag: target.versionTag }),
    elementInstances: instance.elementInstances.map((element) => ({
      ...element,
      elementId: mapped(element.elementInstanceKey, element.elementId),
    })),
    ...(instance.incidents
      ? {
          incidents: instance.incidents.map((open) => ({
            ...open,
            elementId: mapped(open.elementInstanceKey, open.elementId),
          })),
        }
      : {}),
  };
  const jobs: Transition<Job>[] = (await deps.engine.openJobsOf(key)).map((job) => {
    const elementId = mapped(job.elementInstanceKey, job.elementId);
    const node = targetNodes.get(elementId);
    return {
      before: job,
      after: {
        ...job,
        ...definitionFields,
        elementId,
        type: node?.jobType ?? job.type,
        revision: job.revision + 1,
      },
    };
  });
  const incidents: Transition<Incident>[] = [];
  for (const open of instance.incidents ?? []) {
    const incident = await deps.engine.getIncident(open.incidentKey);
    if (!incident) continue;
    incidents.push({
      before: incident,
      after: {
        ...incident,
        processDefinitionKey: target.processDefinitionKey,
        processDefinitionId: target.processDefinitionId,
        elementId: mapped(open.elementInstanceKey, open.elementId),
      },
    });
  }
  return {
    change: {
      instance: { before: instance, after: markedBy(after, context.batchOperationKey) },
      jobs,
      incidents,
    },
  };
}

/** Why an active element cannot migrate under the mapping, or undefined if it can. */
function mappingProblem(
  elementId: string,
  mapping: ReadonlyMap<string, string>,
  sourceNodes: ReadonlyMap<string, FlowNode>,
  targetNodes: ReadonlyMap<string, FlowNode>,
): string | undefined {
  const targetId = mapping.get(elementId);
  if (targetId === undefined) {
    return `no mapping instruction is defined for active element '${elementId}'; elements cannot be migrated without a mapping`;
  }
  const [from, to] = [sourceNodes.get(elementId), targetNodes.get(targetId)];
  if (!to) return `target element '${targetId}' mapped from active element '${elementId}' does not exist`;
  if (from && from.kind !== to.kind) {
    return `active element '${elementId}' is a ${from.kind} and target element '${targetId}' a ${to.kind}: the element type must not change`;
  }
  const scopeOf = (node?: FlowNode) => node?.scopeId;
  const mappedScope = from?.scopeId === undefined ? undefined : mapping.get(from.scopeId);
  if (scopeOf(to) !== mappedScope) {
    return `active element '${elementId}' would move to flow scope '${scopeOf(to) ?? 'process'}' instead of '${mappedScope ?? 'process'}': the flow scope must not change`;
  }
  return undefined;
}

export const migrateProcessInstance: StepOperation = {
  kind: 'step',
  type: 'MIGRATE_PROCESS_INSTANCE',
  permission: 'CREATE_BATCH_OPERATION_MIGRATE_PROCESS_INSTANCE',
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/process-instances/migration',
    routeId: 'MigrateProcessInstancesBatch',
    body: operationRequestSchema(migrationParametersSchema),
    validate: ({ definitions }, filter, parameters) =>
      validateMigrationPlan(definitions, filter, migrationParametersSchema.parse(parameters).migrationPlan),
  },
  decide: decideMigration,
  missing: (key) =>
    `Expected to migrate process instance with key '${key}', but no such process instance was found`,
};
