import { batchStoresContract } from '../contracts/batch-stores.contract.ts';
import { inMemoryBatchStores } from './in-memory-batch-stores.ts';

batchStoresContract('in memory', async () => ({ ...inMemoryBatchStores(), stop: async () => undefined }));
