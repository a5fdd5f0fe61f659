/** DynamoDB API limits the adapters work within, each with its source. */

/** TransactWriteItems takes at most 100 actions (DynamoDB API reference, TransactWriteItems). */
export const DDB_TRANSACT_MAX = 100;

/** BatchWriteItem takes at most 25 put or delete requests per call (DynamoDB API reference, BatchWriteItem). */
export const DDB_BATCH_WRITE_MAX = 25;

/**
 * BatchExecuteStatement takes at most 25 PartiQL statements per call, each succeeding or failing on
 * its own (DynamoDB API reference, BatchExecuteStatement).
 */
export const DDB_BATCH_STATEMENT_MAX = 25;

/** An item is at most 400 KB, attribute names and values together (DynamoDB developer guide, service quotas). */
export const DDB_ITEM_MAX_BYTES = 400 * 1024;
