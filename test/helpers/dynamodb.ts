import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { DynamoKeyGenerator } from '#adapters/dynamodb/key-generator.ts';
import { DynamoProcessDefinitionStore } from '#adapters/dynamodb/process-definition-store.ts';
import { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import type { EngineDeps } from '#domain/instance/engine-step.ts';
import { createTables } from '../../local/dynamodb-local.ts';
import { pointSdkAt } from '../../local/emulator-process.ts';
import { clientSettings, sharedEmulators } from './emulators.ts';

export interface TestDynamo {
  db: DynamoDBDocumentClient;
  /** Endpoint, region and credentials of this database, for another client on it. */
  settings: ReturnType<typeof clientSettings>;
  /** Points the SDK clients this process creates afterwards (the handlers') at this database. */
  pointSdk(): void;
  stop(): Promise<void>;
}

/**
 * The service's tables in a database of their own on the run's DynamoDB Local (in memory), and a
 * document client pointed at it.
 */
export async function startTestDynamo(): Promise<TestDynamo> {
  const settings = clientSettings(sharedEmulators());
  const client = new DynamoDBClient(settings);
  await createTables(client, {});
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    settings,
    pointSdk: () => pointSdkAt({ dynamodb: settings.endpoint }, settings.credentials),
    // The emulator is the run's: only this client goes.
    stop: () => {
      db.destroy();
      return Promise.resolve();
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
