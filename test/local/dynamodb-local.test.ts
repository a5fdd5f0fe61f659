import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCHES_BY_START_DATE_INDEX } from '#resources/table-schema.ts';
import { createTables } from '../../local/dynamodb-local.ts';
import { startTestDynamo, type TestDynamo } from '../helpers/dynamodb.ts';

/** Tables kept in a DATA_DIR from an older schema get the indexes a newer one added. */
let dynamo: TestDynamo;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  client = new DynamoDBClient(dynamo.settings);
});
afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});

describe('createTables on kept tables', () => {
  it('adds an index the schema has and the existing table lacks, keeping the table', async () => {
    // Prepare: the Batches table as an earlier version created it, without its index.
    await client.send(new DeleteTableCommand({ TableName: 'Batches' }));
    await client.send(
      new CreateTableCommand({
        TableName: 'Batches',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'batchOperationKey', KeyType: 'HASH' },
          { AttributeName: 'record', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'batchOperationKey', AttributeType: 'S' },
          { AttributeName: 'record', AttributeType: 'S' },
        ],
      }),
    );
    // Act
    await createTables(client, {});
    // Assess
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'Batches' }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      BATCHES_BY_START_DATE_INDEX,
    ]);
  });
});
