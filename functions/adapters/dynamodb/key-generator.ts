import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keyFromSequence } from '#domain/keys.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';

/** Keys reserved per counter update: one write serves a thousand keys; unused ones are simply skipped. */
export const KEY_BLOCK_SIZE = 1000;

/**
 * Unique keys from one atomic counter item. Each process reserves blocks of keys with one ADD and
 * hands them out from memory, so keys are unique across all processes and Lambdas.
 */
export class DynamoKeyGenerator implements KeyGenerator {
  private next = 0;
  private end = 0;
  private reservation: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async nextKeys(count: number): Promise<string[]> {
    const keys: string[] = [];
    while (keys.length < count) {
      if (this.next >= this.end) await this.reserve(Math.max(KEY_BLOCK_SIZE, count - keys.length));
      // Taking from the block is synchronous, so concurrent callers never share a key.
      while (keys.length < count && this.next < this.end) keys.push(keyFromSequence(this.next++));
    }
    return keys;
  }

  /** One reservation at a time; a caller that waited re-checks whether a block is left. */
  private reserve(size: number): Promise<void> {
    this.reservation = this.reservation
      .catch(() => undefined)
      .then(async () => {
        if (this.next < this.end) return;
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { sequence: 'keys' },
            UpdateExpression: 'ADD #value :size',
            ExpressionAttributeNames: { '#value': 'value' },
            ExpressionAttributeValues: { ':size': size },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        this.end = Number(Attributes?.value);
        this.next = this.end - size;
      });
    return this.reservation;
  }
}
