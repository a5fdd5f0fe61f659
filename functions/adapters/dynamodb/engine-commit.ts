import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import type { EngineChange, Transition } from '#ports/engine-store.ts';
import { ExpressionBuilder } from './expression.ts';
import { jobItem } from './job-records.ts';
import { instanceItem, type StoredTombstone } from './process-instance-store.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface EngineTables {
  instances: string;
  jobs: string;
  incidents: string;
}

/** The instance attributes an engine step changes; a step applies only if they are still as it read them. */
const ENGINE_ATTRIBUTES = [
  // Changed by a migration only.
  'processDefinitionKey',
  'processDefinitionId',
  'processDefinitionName',
  'processDefinitionVersion',
  'processDefinitionVersionTag',
  'state',
  'endDate',
  'elementInstances',
  'variables',
  'incidents',
  'hasIncident',
  'hasRetriesLeft',
  // Set by a restart batch on the instance it restarted.
  'restartedAs',
] as const satisfies readonly (keyof ProcessInstance)[];

/**
 * The writes of an engine step, each conditional on its record being as the step read it, and the
 * deletions that go with it (written in the same transaction when they fit).
 */
export function engineStepWrites(
  change: EngineChange,
  tables: EngineTables,
  shardCount: number,
): { items: TransactItem[]; deletions: TransactItem[] } {
  const deletions: TransactItem[] = [
    ...(change.deleteJobs ?? []).map(({ jobKey }) => ({
      Delete: { TableName: tables.jobs, Key: { jobKey } },
    })),
    ...(change.deleteIncidents ?? []).map(({ incidentKey }) => ({
      Delete: { TableName: tables.incidents, Key: { incidentKey } },
    })),
  ];
  const items: TransactItem[] = [
    ...(change.createInstance
      ? [
          {
            Put: {
              TableName: tables.instances,
              Item: instanceItem(change.createInstance, shardCount),
              ConditionExpression: 'attribute_not_exists(processInstanceKey)',
            },
          },
        ]
      : []),
    ...(change.instance
      ? [
          change.deleteInstance
            ? instanceTombstone(tables.instances, change.instance, change.deleteInstance)
            : instanceUpdate(tables.instances, shardCount, change.instance),
        ]
      : []),
    ...(change.createJobs ?? []).map((job) => ({
      Put: {
        TableName: tables.jobs,
        Item: jobItem(job),
        ConditionExpression: 'attribute_not_exists(jobKey)',
      },
    })),
    ...(change.jobs ?? []).map(({ before, after }) => ({
      Put: {
        TableName: tables.jobs,
        Item: jobItem(after),
        ConditionExpression: '#revision = :revision',
        ExpressionAttributeNames: { '#revision': 'revision' },
        ExpressionAttributeValues: { ':revision': before.revision },
      },
    })),
    ...(change.createIncidents ?? []).map((incident) => ({
      Put: {
        TableName: tables.incidents,
        Item: incident,
        ConditionExpression: 'attribute_not_exists(incidentKey)',
      },
    })),
    ...(change.incidents ?? []).map(({ before, after }) => ({
      Put: {
        TableName: tables.incidents,
        Item: after,
        ConditionExpression: '#state = :state',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': before.state },
      },
    })),
  ];
  return { items, deletions };
}

/** The instance is still as read (its engine attributes) and not yet marked by the batches `after` adds. */
function asRead(builder: ExpressionBuilder, { before, after }: Transition<ProcessInstance>) {
  const conditions = [`attribute_exists(${builder.name('processInstanceKey')})`];
  for (const attribute of ENGINE_ATTRIBUTES) {
    const name = builder.name(attribute);
    const old = before[attribute];
    conditions.push(old === undefined ? `attribute_not_exists(${name})` : `${name} = ${builder.value(old)}`);
  }
  const marks = after.batchOperationIds.filter((id) => !before.batchOperationIds.includes(id));
  if (marks.length > 0) {
    const batchIds = builder.name('batchOperationIds');
    for (const id of marks) conditions.push(`NOT contains(${batchIds}, ${builder.value(id)})`);
  }
  return { conditions, marks };
}

/** The deleted instance's record: a tombstone out of every index (see StoredTombstone), if still as read. */
function instanceTombstone(
  instancesTable: string,
  transition: Transition<ProcessInstance>,
  { deletedDate, expiresAt }: NonNullable<EngineChange['deleteInstance']>,
): TransactItem {
  const builder = new ExpressionBuilder();
  const { conditions } = asRead(builder, transition);
  const { batchOperationIds } = transition.after;
  const tombstone: StoredTombstone = {
    processInstanceKey: transition.before.processInstanceKey,
    deletedDate,
    expiresAt,
    ...(batchOperationIds.length > 0 ? { batchOperationIds: new Set(batchOperationIds) } : {}),
  };
  return {
    Put: {
      TableName: instancesTable,
      Item: tombstone,
      ConditionExpression: conditions.join(' AND '),
      ...builder.attributes(),
    },
  };
}

function instanceUpdate(
  instancesTable: string,
  shardCount: number,
  transition: Transition<ProcessInstance>,
): TransactItem {
  const { before, after } = transition;
  const builder = new ExpressionBuilder();
  const sets: string[] = [];
  const removes: string[] = [];
  const { conditions, marks } = asRead(builder, transition);
  for (const attribute of ENGINE_ATTRIBUTES) {
    const name = builder.name(attribute);
    const [old, next] = [before[attribute], after[attribute]];
    if (JSON.stringify(old) === JSON.stringify(next)) continue;
    if (next === undefined) removes.push(name);
    else sets.push(`${name} = ${builder.value(next)}`);
  }
  if (before.processDefinitionId !== after.processDefinitionId) {
    // The definition index's key follows the definition (a migration).
    const { shardBucketProcessDefinitionId } = instanceItem(after, shardCount);
    sets.push(
      `${builder.name('shardBucketProcessDefinitionId')} = ${builder.value(shardBucketProcessDefinitionId)}`,
    );
  }
  // A batch's step marks the instance: applied only if not marked yet, so at most once per batch.
  const update = [
    ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
    ...(removes.length > 0 ? [`REMOVE ${removes.join(', ')}`] : []),
    ...(marks.length > 0
      ? [`ADD ${builder.name('batchOperationIds')} ${builder.value(new Set(marks))}`]
      : []),
  ];
  const common = {
    TableName: instancesTable,
    Key: { processInstanceKey: before.processInstanceKey },
    ConditionExpression: conditions.join(' AND '),
    ...builder.attributes(),
  };
  return update.length > 0
    ? { Update: { ...common, UpdateExpression: update.join(' ') } }
    : { ConditionCheck: common };
}
