import type { EngineStore } from '#ports/engine-store.ts';
import { filterBatchRequestSchema } from '#wire/batch-requests.ts';
import type { Incident } from '../incident/incident.ts';
import type { ProcessInstance, ProcessInstanceState } from '../instance/process-instance.ts';
import {
  markedBy,
  type OperationContext,
  type OperationDecision,
  type StepOperation,
} from './operation-handler.ts';

/** Only history can be deleted, as in Camunda: a running instance must be canceled first. */
export const DELETABLE_STATES: readonly ProcessInstanceState[] = ['COMPLETED', 'TERMINATED'];

/**
 * How long a deleted instance's tombstone is kept: longer than SQS keeps a chunk message (at most
 * 14 days), so every redelivery of the deleting batch's chunks still finds it.
 */
export const TOMBSTONE_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/** Incidents read per page when collecting an instance's history. */
const INCIDENT_PAGE = 100;

/**
 * Deletes a finished instance and its history (its jobs and incidents). The instance's record becomes
 * a tombstone that every read, query and search treats as absent and that expires after
 * TOMBSTONE_RETENTION_SECONDS; it keeps the batch keys, so a redelivered chunk counts the item as
 * done instead of failing it as not found. A running instance fails its item.
 */
export async function decideDeletion(
  deps: { engine: Pick<EngineStore, 'jobsOf' | 'queryIncidents'> },
  instance: ProcessInstance,
  context: Pick<OperationContext, 'batchOperationKey' | 'now'>,
): Promise<OperationDecision> {
  const key = instance.processInstanceKey;
  if (!DELETABLE_STATES.includes(instance.state)) {
    return {
      refused: `Expected to delete process instance with key '${key}', but it is ${instance.state}: only finished instances (${DELETABLE_STATES.join(', ')}) can be deleted; cancel it first`,
    };
  }
  const [jobs, incidents] = await Promise.all([deps.engine.jobsOf(key), incidentsOf(deps.engine, key)]);
  return {
    change: {
      instance: { before: instance, after: markedBy(instance, context.batchOperationKey) },
      deleteInstance: {
        deletedDate: context.now,
        expiresAt: Math.floor(Date.parse(context.now) / 1000) + TOMBSTONE_RETENTION_SECONDS,
      },
      deleteJobs: jobs,
      deleteIncidents: incidents,
    },
  };
}

async function incidentsOf(engine: Pick<EngineStore, 'queryIncidents'>, processInstanceKey: string) {
  const incidents: Incident[] = [];
  let cursor: string | undefined;
  do {
    const page = await engine.queryIncidents(
      { kind: 'processInstance', processInstanceKey },
      { cursor, limit: INCIDENT_PAGE },
    );
    incidents.push(...page.incidents);
    cursor = page.cursor;
  } while (cursor);
  return incidents;
}

export const deleteProcessInstance: StepOperation = {
  kind: 'step',
  type: 'DELETE_PROCESS_INSTANCE',
  permission: 'CREATE_BATCH_OPERATION_DELETE_PROCESS_INSTANCE',
  itemPermission: 'DELETE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/process-instances/deletion',
    routeId: 'DeleteProcessInstancesBatch',
    body: filterBatchRequestSchema,
  },
  decide: (deps, instance, context) => decideDeletion(deps, instance, context),
  missing: (key) =>
    `Expected to delete process instance with key '${key}', but no such process instance was found`,
};
