/**
 * Settings of the chunk queue shared by the CDK stack and the embedded runtime's queue and poller.
 */
export const CHUNK_QUEUE_NAME = 'batch-chunks.fifo';
export const CHUNK_DLQ_NAME = 'batch-chunks-dlq.fifo';
/** A chunk is retried this many times before it goes to the dead-letter queue. */
export const CHUNK_MAX_RECEIVE_COUNT = 5;
/** Worker timeout; AWS requires the queue's visibility timeout to be at least the function timeout (6x is advised). */
export const WORKER_TIMEOUT_SECONDS = 120;
export const CHUNK_VISIBILITY_TIMEOUT_SECONDS = WORKER_TIMEOUT_SECONDS * 6;
/**
 * One chunk per worker invocation. With more, a chunk that keeps failing fails the chunks after it in
 * the same batch too (FIFO order), so healthy chunks would use up their receives and be dead-lettered
 * with it. A chunk is hundreds of items, so the extra invocations cost little.
 */
export const WORKER_BATCH_SIZE = 1;
/** DLQ retention: long enough for an operator to inspect what was accounted for. */
export const DLQ_RETENTION_DAYS = 14;
/** The worker's memory (MB): more memory is more CPU for its writes in flight. */
export const WORKER_MEMORY_MB = 1024;
