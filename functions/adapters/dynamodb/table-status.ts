import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type TableSchema, tableSchemas } from '#resources/table-schema.ts';

/**
 * The readiness check of the tables: every table of the schema (named by its environment variable,
 * as the stack binds it, else by its id as the embedded runtime creates it) is described and must be
 * ACTIVE. One DescribeTable per table: no data is read.
 */
export async function checkTables(
  client: DynamoDBClient,
  names: Record<string, string | undefined> = process.env,
): Promise<Record<string, string>> {
  const statuses = await Promise.all(
    Object.values(tableSchemas).map(async (schema: TableSchema) => {
      const tableName = names[schema.envVar] ?? schema.id;
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      return [tableName, Table?.TableStatus ?? 'UNKNOWN'] as const;
    }),
  );
  const notActive = statuses.filter(([, status]) => status !== 'ACTIVE');
  if (notActive.length > 0)
    throw new Error(
      `Tables not ACTIVE: ${notActive.map(([name, status]) => `${name} ${status}`).join(', ')}`,
    );
  return Object.fromEntries(statuses);
}
