import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

/**
 * The emulator floor: the fastest the same writes could go here. N bare conditional UpdateItem calls,
 * one per instance the batch changed, at the batch's writes in flight (shards × worker
 * concurrency), through a client of its own. Each changes an attribute the indexes project, as the
 * cancel does, so DynamoDB Local does the same index work.
 */
export async function measureEmulatorFloor(options: {
  tableName: string;
  keys: (index: number) => string;
  count: number;
  concurrency: number;
}): Promise<{ durationMs: number; failed: number }> {
  const client = new DynamoDBClient({ maxAttempts: 8 });
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < options.count) {
      const index = next++;
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: options.tableName,
            Key: { processInstanceKey: { S: options.keys(index) } },
            UpdateExpression: 'SET #floor = :index',
            ConditionExpression: 'attribute_exists(#key)',
            ExpressionAttributeNames: { '#floor': 'benchmarkFloor', '#key': 'processInstanceKey' },
            ExpressionAttributeValues: { ':index': { N: String(index) } },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  const durationMs = performance.now() - started;
  client.destroy();
  return { durationMs, failed };
}
