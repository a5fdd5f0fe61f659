import {
  type CamundaClient,
  ElementId,
  IncidentKey,
  JobKey,
  ProcessDefinitionKey,
  ProcessInstanceKey,
} from '@camunda8/orchestration-cluster-api';
import type { BatchOperationType } from '#domain/batch/batch-operation.ts';
import { migrationParametersSchema } from '#domain/operations/migrate-process-instance.ts';
import { modificationParametersSchema } from '#domain/operations/modify-process-instance.ts';
import { updateJobParametersSchema } from '#domain/operations/update-job.ts';
import type { EngineItem } from '#ports/engine.ts';

/** Reads of one item ignore eventual consistency: the adapter asks once and decides on the answer. */
export const READ_NOW = { consistency: { waitUpToMs: 0 } };

/**
 * Open incidents of one instance read at most: the built-in engine resolves at most 49 per step
 * (MAX_INCIDENTS_PER_STEP), and an instance with more is refused there too.
 */
const MAX_INCIDENTS_PER_ITEM = 49;

/** What an item call decided without sending a command (the engine's reason, as its item's error). */
export interface ItemRefusal {
  refused: string;
}

/**
 * One batch operation type as the cluster's per-item endpoints do it: a translation of the batch's
 * stored parameters (the creation request's type fields) into the per-item request, and the read
 * that shows whether the operation's effect is there. Client errors propagate, to be classified in
 * one place by the engine.
 */
export interface ItemOperation {
  /** The first Camunda version whose REST API has the per-item endpoint and the search its items come from. */
  readonly since: readonly [major: number, minor: number];
  /** What the batch's filter selects: process instances (most types) or jobs (UPDATE_JOB). */
  readonly items: 'processInstances' | 'jobs';
  apply(client: CamundaClient, parameters: unknown, item: EngineItem): Promise<ItemRefusal | undefined>;
  applied(client: CamundaClient, parameters: unknown, item: EngineItem): Promise<boolean>;
}

const instanceKey = (item: EngineItem) => ProcessInstanceKey.assumeExists(item.processInstanceKey);

/** The instance's state, or undefined when the cluster has no such instance (404). */
async function instanceOrNothing(client: CamundaClient, item: EngineItem) {
  try {
    return await client.getProcessInstance({ processInstanceKey: instanceKey(item) }, READ_NOW);
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) return undefined;
    throw error;
  }
}

async function activeIncidents(client: CamundaClient, item: EngineItem) {
  const page = await client.searchIncidents(
    {
      filter: { processInstanceKey: instanceKey(item), state: 'ACTIVE' },
      page: { limit: MAX_INCIDENTS_PER_ITEM + 1 },
    },
    READ_NOW,
  );
  return page.items;
}

const cancel: ItemOperation = {
  since: [8, 8],
  items: 'processInstances',
  async apply(client, _parameters, item) {
    await client.cancelProcessInstance({ processInstanceKey: instanceKey(item) });
    return undefined;
  },
  applied: async (client, _parameters, item) =>
    (await instanceOrNothing(client, item))?.state === 'TERMINATED',
};

/**
 * Every open incident of the instance, one resolution each; a JOB_NO_RETRIES incident's job gets one
 * retry first, since the cluster refuses to resolve it otherwise (as the built-in engine's batch and
 * Zeebe's batch resolution do). An instance without an open incident is refused, as the built-in
 * engine refuses it.
 */
const resolveIncidents: ItemOperation = {
  since: [8, 8],
  items: 'processInstances',
  async apply(client, _parameters, item) {
    const incidents = await activeIncidents(client, item);
    if (incidents.length === 0) {
      return {
        refused: `Expected to resolve the incidents of process instance with key '${item.processInstanceKey}', but it has no open incident`,
      };
    }
    if (incidents.length > MAX_INCIDENTS_PER_ITEM) {
      return {
        refused: `Expected to resolve the incidents of process instance with key '${item.processInstanceKey}', but it has more than ${MAX_INCIDENTS_PER_ITEM} open incidents; resolve some one by one`,
      };
    }
    for (const incident of incidents) {
      if (incident.errorType === 'JOB_NO_RETRIES' && incident.jobKey) {
        await client.updateJob({ jobKey: JobKey.assumeExists(incident.jobKey), changeset: { retries: 1 } });
      }
      await client.resolveIncident({ incidentKey: IncidentKey.assumeExists(incident.incidentKey) });
    }
    return undefined;
  },
  applied: async (client, _parameters, item) => (await activeIncidents(client, item)).length === 0,
};

const migrate: ItemOperation = {
  since: [8, 8],
  items: 'processInstances',
  async apply(client, parameters, item) {
    const { migrationPlan } = migrationParametersSchema.parse(parameters);
    await client.migrateProcessInstance({
      processInstanceKey: instanceKey(item),
      targetProcessDefinitionKey: ProcessDefinitionKey.assumeExists(migrationPlan.targetProcessDefinitionKey),
      mappingInstructions: migrationPlan.mappingInstructions.map((mapping) => ({
        sourceElementId: ElementId.assumeExists(mapping.sourceElementId),
        targetElementId: ElementId.assumeExists(mapping.targetElementId),
      })),
    });
    return undefined;
  },
  async applied(client, parameters, item) {
    const { migrationPlan } = migrationParametersSchema.parse(parameters);
    const instance = await instanceOrNothing(client, item);
    return instance?.processDefinitionKey === migrationPlan.targetProcessDefinitionKey;
  },
};

/** A batch's moves, each by element id (Camunda 8.9's per-item move instructions). */
const modify: ItemOperation = {
  since: [8, 9],
  items: 'processInstances',
  async apply(client, parameters, item) {
    const { moveInstructions } = modificationParametersSchema.parse(parameters);
    await client.modifyProcessInstance({
      processInstanceKey: instanceKey(item),
      moveInstructions: moveInstructions.map((move) => ({
        sourceElementInstruction: {
          sourceType: 'byId' as const,
          sourceElementId: ElementId.assumeExists(move.sourceElementId),
        },
        targetElementId: ElementId.assumeExists(move.targetElementId),
      })),
    });
    return undefined;
  },
  /** Moved: no token left on a source element, and one on every target. */
  async applied(client, parameters, item) {
    const { moveInstructions } = modificationParametersSchema.parse(parameters);
    const active = await client.searchElementInstances(
      { filter: { processInstanceKey: instanceKey(item), state: 'ACTIVE' }, page: { limit: 1000 } },
      READ_NOW,
    );
    const elements = new Set(active.items.map((element) => String(element.elementId)));
    return moveInstructions.every(
      (move) => !elements.has(move.sourceElementId) && elements.has(move.targetElementId),
    );
  },
};

const deleteHistory: ItemOperation = {
  since: [8, 9],
  items: 'processInstances',
  async apply(client, _parameters, item) {
    await client.deleteProcessInstance({ processInstanceKey: instanceKey(item) });
    return undefined;
  },
  applied: async (client, _parameters, item) => (await instanceOrNothing(client, item)) === undefined,
};

/**
 * The job's changeset as given. Applied means the job shows the changeset's retries; a time-out is
 * relative to when it was sent and leaves nothing to compare, so a changeset of a time-out alone counts
 * as applied once the job is found (the worker asks only for items it recorded as sent).
 */
const updateJob: ItemOperation = {
  since: [8, 8],
  items: 'jobs',
  async apply(client, parameters, item) {
    const { changeset } = updateJobParametersSchema.parse(parameters);
    await client.updateJob({ jobKey: JobKey.assumeExists(item.itemKey), changeset });
    return undefined;
  },
  async applied(client, parameters, item) {
    const { changeset } = updateJobParametersSchema.parse(parameters);
    const found = await client.searchJobs(
      { filter: { jobKey: JobKey.assumeExists(item.itemKey) }, page: { limit: 1 } },
      READ_NOW,
    );
    const job = found.items[0];
    if (!job) return false;
    return changeset.retries == null || job.retries === changeset.retries;
  },
};

/**
 * The types the cluster does per item, and for the others why not. Suspension and resumption exist
 * per instance from Camunda 8.10, but the official client this service uses speaks the 8.9 API and
 * has no method for them; the classic-engine types have no Camunda 8 counterpart at all.
 */
export const ITEM_OPERATIONS: Partial<Record<BatchOperationType, ItemOperation>> = {
  CANCEL_PROCESS_INSTANCE: cancel,
  RESOLVE_INCIDENT: resolveIncidents,
  MIGRATE_PROCESS_INSTANCE: migrate,
  MODIFY_PROCESS_INSTANCE: modify,
  DELETE_PROCESS_INSTANCE: deleteHistory,
  UPDATE_JOB: updateJob,
};

export const WHY_NOT_PER_ITEM: Partial<Record<BatchOperationType, string>> = {
  SUSPEND_PROCESS_INSTANCE:
    'the official Camunda client this service uses (@camunda8/orchestration-cluster-api 9.1, the 8.9 API) has no per-instance suspension',
  RESUME_PROCESS_INSTANCE:
    'the official Camunda client this service uses (@camunda8/orchestration-cluster-api 9.1, the 8.9 API) has no per-instance resumption',
};
