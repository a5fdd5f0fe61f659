import { DynamoBatchStore } from '#adapters/dynamodb/batch-store.ts';
import { DynamoChunkStore } from '#adapters/dynamodb/chunk-store.ts';
import { batchStoresContract } from '../../../contracts/batch-stores.contract.ts';
import { startTestDynamo } from '../../../helpers/dynamodb.ts';

batchStoresContract('DynamoDB', async () => {
  const dynamo = await startTestDynamo();
  return {
    batches: new DynamoBatchStore(dynamo.db, 'Batches'),
    chunks: new DynamoChunkStore(dynamo.db, 'Batches', 'BatchItems'),
    stop: () => dynamo.stop(),
  };
});
