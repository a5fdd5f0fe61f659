import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
