import { z } from 'zod';
import type { EngineStore, Transition } from '#ports/engine-store.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { operationRequestSchema } from '#wire/batch-requests.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { Incident } from '../incident/incident.ts';
import { flowNodesOf } from '../instance/definition-flow.ts';
import { endedJob, withIncidents } from '../instance/engine-step.ts';
import type { FlowNode } from '../instance/flow-model.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import { startTokens, withAllocatedKeys } from '../instance/token-flow.ts';
import type { Job } from '../job/job.ts';
import {
  markedBy,
  type OperationContext,
  type OperationDecision,
  type StepOperation,
} from './operation-handler.ts';
import { pinnedDefinitions } from './pinned-definitions.ts';

/** Camunda 8's move instruction of a batch modification. */
export const moveInstructionSchema = z
  .object({ sourceElementId: z.string().min(1), targetElementId: z.string().min(1) })
  .strict();
export type MoveInstruction = z.infer<typeof moveInstructionSchema>;

/** What a MODIFY_PROCESS_INSTANCE batch stores as its parameters. */
export const modificationParametersSchema = z
  .object({ moveInstructions: z.array(moveInstructionSchema).min(1) })
  .strict();

const MOVES_ONLY =
  'the built-in engine moves tokens only: send moveInstructions with sourceElementInstruction.sourceType byId';

/**
 * Camunda's ProcessInstanceModificationInstruction, as far as the built-in engine runs it: move
 * instructions by source element id (what the batch modification does per instance). Activation,
 * termination, a source by element instance key, an ancestor scope or variables are refused by name.
 */
export const instanceModificationSchema = z
  .object({
    operationReference: z.number().int().optional(),
    activateInstructions: z
      .array(z.unknown())
      .max(0, { error: `activateInstructions: ${MOVES_ONLY}` })
      .optional(),
    terminateInstructions: z
      .array(z.unknown())
      .max(0, { error: `terminateInstructions: ${MOVES_ONLY}` })
      .optional(),
    moveInstructions: z
      .array(
        z
          .object({
            sourceElementInstruction: z
              .object({
                sourceType: z.literal('byId', { error: `sourceType byKey: ${MOVES_ONLY}` }),
                sourceElementId: z.string().min(1),
              })
              .strict(),
            targetElementId: z.string().min(1),
          })
          .strict(),
      )
      .min(1, { error: `moveInstructions: at least one is needed (${MOVES_ONLY})` }),
  })
  .strict();

/** Why an element cannot be a move's target, or undefined if it can (Camunda's unsupported modifications). */
export function unsupportedTarget(node: FlowNode | undefined, elementId: string, where: string) {
  if (!node) return `target element '${elementId}' does not exist in ${where}`;
  if (node.kind === 'startEvent')
    return `target element '${elementId}' is a start event, where tokens cannot be moved to`;
  return undefined;
}

/**
 * Moves tokens as Camunda's batch modification does: each instruction terminates every active element
 * instance at its source (with what runs inside it: jobs canceled, incidents resolved) and activates
 * one new element instance at its target for each one terminated, the token flow creating the
 * target's job or wait. Instructions whose source holds no token are left out; an instance without a
 * token at any source fails (Camunda applies no instruction to it either, without telling), as does
 * one that is neither ACTIVE nor SUSPENDED, a missing or start-event target, or a subprocess as source.
 */
export async function decideModification(
  deps: {
    engine: Pick<EngineStore, 'openJobsOf' | 'getIncident'>;
    definitions: Pick<ProcessDefinitionStore, 'getDefinition'>;
    keys: KeyGenerator;
  },
  instance: ProcessInstance,
  context: OperationContext,
): Promise<OperationDecision> {
  const { moveInstructions } = modificationParametersSchema.parse(context.parameters);
  const key = instance.processInstanceKey;
  const expected = `Expected to modify process instance with key '${key}'`;
  // Camunda 8.10 modifies a suspended instance at once (its new jobs wait for the resumption).
  if (instance.state !== 'ACTIVE' && instance.state !== 'SUSPENDED') {
    return {
      refused: `${expected}, but it is ${instance.state}: only ACTIVE and SUSPENDED instances can be modified`,
    };
  }
  const definition = await deps.definitions.getDefinition(instance.processDefinitionKey);
  if (!definition) {
    return { refused: `${expected}, but its process definition '${instance.processDefinitionKey}' is gone` };
  }
  const nodes = await flowNodesOf(definition);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const where = `process definition '${definition.processDefinitionId}' version ${definition.version}`;
  for (const { sourceElementId, targetElementId } of moveInstructions) {
    const problem = unsupportedTarget(byId.get(targetElementId), targetElementId, where);
    if (problem) return { refused: `${expected}, but ${problem}` };
    if (byId.get(sourceElementId)?.kind === 'subProcess') {
      return {
        refused: `${expected}, but source element '${sourceElementId}' is a subprocess: tokens cannot be moved from a subprocess itself, only from the elements inside it`,
      };
    }
  }
  // Element instances to terminate, per instruction, and the targets to activate for them.
  const terminated = new Set<string>();
  const targets: string[] = [];
  for (const { sourceElementId, targetElementId } of moveInstructions) {
    for (const element of instance.elementInstances) {
      if (element.state !== 'ACTIVE' || element.elementId !== sourceElementId) continue;
      if (terminated.has(element.elementInstanceKey)) continue;
      terminated.add(element.elementInstanceKey);
      targets.push(targetElementId);
    }
  }
  if (targets.length === 0) {
    const sources = [...new Set(moveInstructions.map((instruction) => `'${instruction.sourceElementId}'`))];
    return {
      refused: `${expected}, but it has no active element instance at any source element (${sources.join(', ')}) to move a token from`,
    };
  }
  const remaining = instance.elementInstances.map((element) =>
    terminated.has(element.elementInstanceKey) ? { ...element, state: 'TERMINATED' as const } : element,
  );
  const { instance: moved, jobs: createJobs } = await withAllocatedKeys(
    (count) => deps.keys.nextKeys(count),
    (nextKey) =>
      startTokens(
        { nodes, now: context.now, nextKey },
        { ...instance, elementInstances: remaining },
        targets,
      ),
  );
  // What ran inside the terminated element instances ends with them.
  const openJobs = await deps.engine.openJobsOf(key);
  const jobs: Transition<Job>[] = openJobs
    .filter((job) => terminated.has(job.elementInstanceKey))
    .map((job) => ({ before: job, after: endedJob(job, 'CANCELED', context.now) }));
  const incidents: Transition<Incident>[] = [];
  for (const open of instance.incidents ?? []) {
    if (!terminated.has(open.elementInstanceKey)) continue;
    const incident = await deps.engine.getIncident(open.incidentKey);
    if (incident?.state === 'ACTIVE')
      incidents.push({ before: incident, after: { ...incident, state: 'RESOLVED' } });
  }
  const stillOpen = (instance.incidents ?? []).filter((open) => !terminated.has(open.elementInstanceKey));
  const hasRetriesLeft = openJobs.some(
    (job) => !terminated.has(job.elementInstanceKey) && job.hasFailedWithRetriesLeft,
  );
  const after = withIncidents(
    { ...moved, ...(instance.hasRetriesLeft === undefined && !hasRetriesLeft ? {} : { hasRetriesLeft }) },
    stillOpen,
  );
  return {
    change: {
      instance: { before: instance, after: markedBy(after, context.batchOperationKey) },
      jobs,
      createJobs,
      incidents,
    },
  };
}

export const modifyProcessInstance: StepOperation = {
  kind: 'step',
  type: 'MODIFY_PROCESS_INSTANCE',
  permission: 'CREATE_BATCH_OPERATION_MODIFY_PROCESS_INSTANCE',
  itemPermission: 'MODIFY_PROCESS_INSTANCE',
  creation: {
    path: '/v2/process-instances/modification',
    routeId: 'ModifyProcessInstancesBatch',
    body: operationRequestSchema(modificationParametersSchema),
    validate: ({ definitions }, filter, parameters) =>
      validateModification(
        definitions,
        filter,
        modificationParametersSchema.parse(parameters).moveInstructions,
      ),
  },
  decide: decideModification,
  missing: (key) =>
    `Expected to modify process instance with key '${key}', but no such process instance was found`,
};

/**
 * Creation's check of the move instructions (400 when it fails): where the filter pins the
 * definitions its instances belong to, every target must be a valid target in at least one of them.
 * Sources are checked per item (an instance without a token there fails).
 */
export async function validateModification(
  definitions: ProcessDefinitionStore,
  filter: unknown,
  moveInstructions: readonly MoveInstruction[],
): Promise<void> {
  const pinned = await pinnedDefinitions(definitions, filter);
  if (!pinned || pinned.length === 0) return;
  const flows = await Promise.all(
    pinned.map(async (definition) => ({
      definition,
      byId: new Map((await flowNodesOf(definition)).map((node) => [node.id, node])),
    })),
  );
  moveInstructions.forEach(({ targetElementId }, index) => {
    const problems = flows.map(({ definition, byId }) =>
      unsupportedTarget(
        byId.get(targetElementId),
        targetElementId,
        `process definition '${definition.processDefinitionId}' version ${definition.version} (key '${definition.processDefinitionKey}')`,
      ),
    );
    if (problems.every((problem) => problem !== undefined)) {
      throw new InvalidArgumentError(`moveInstructions[${index}].targetElementId: ${problems.join('; ')}`);
    }
  });
}
