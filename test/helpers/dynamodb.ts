import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { DynamoKeyGenerator } from '#adapters/dynamodb/key-generator.ts';
import { DynamoProcessDefinitionStore } from '#adapters/dynamodb/process-definition-store.ts';
import { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import type { EngineDeps } from '#domain/instance/engine-step.ts';
import { createTables, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulator-process.ts';

export interface TestDynamo {
  db: DynamoDBDocumentClient;
  endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB Local in memory with the service's tables, and a document client pointed at it. */
export async function startTestDynamo(): Promise<TestDynamo> {
  const emulator = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  await createTables(client, {});
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    endpoint: emulator.endpoint,
    stop: async () => {
      db.destroy();
      await emulator.stop();
    },
  };
}

/** The engine's stores on the test tables, as the service wires them (`EngineDeps`), with a fixed clock. */
export function engineDepsOn(
  db: DynamoDBDocumentClient,
  { shards = 4, now = new Date(Date.UTC(2026, 0, 2)) } = {},
) {
  return {
    engine: new DynamoEngineStore(
      db,
      { instances: 'ProcessInstances', jobs: 'Jobs', incidents: 'Incidents' },
      shards,
    ),
    instances: new DynamoProcessInstanceStore(db, 'ProcessInstances', shards),
    definitions: new DynamoProcessDefinitionStore(db, 'ProcessDefinitions'),
    keys: new DynamoKeyGenerator(db, 'KeySequences'),
    now: () => now,
  } satisfies EngineDeps;
}
