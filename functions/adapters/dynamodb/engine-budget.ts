import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type BudgetState,
  backedOff,
  emptyBudget,
  type Lease,
  type LeaseRequest,
  leaseFrom,
} from '#domain/execution/engine-budget.ts';
import type { EngineBudget } from '#ports/engine-budget.ts';

/** The budget's one record in the Batches table, apart from every batch's partition. */
const BUDGET_KEY = { batchOperationKey: 'ENGINE', record: 'BUDGET' };
/** Conditional writes lost to another worker before a lease gives up (and the chunk is retried). */
const MAX_ATTEMPTS = 20;

/**
 * The engine budget as one DynamoDB record, changed by optimistic concurrency: read it, work out the
 * lease (functions/domain/execution/engine-budget.ts), write it back on condition that nobody wrote
 * in between (its `version`), else try again. One read and one write per lease of a group of items:
 * at 1,000 items/s in leases of half a second per shard that is tens of writes per second, far below
 * a DynamoDB partition's 1,000, and the same on AWS and embedded (DynamoDB Local).
 */
export class DynamoEngineBudget implements EngineBudget {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly maxItemsPerSecond: number,
  ) {}

  lease(request: LeaseRequest): Promise<Lease> {
    return this.change(request.now, (state) => leaseFrom(state, this.maxItemsPerSecond, request));
  }

  async reportBackpressure(now: number): Promise<void> {
    await this.change(now, (state) => ({
      state: backedOff(state, this.maxItemsPerSecond, now),
      lease: undefined,
    }));
  }

  private async change<T>(
    now: number,
    next: (state: BudgetState) => { state: BudgetState; lease: T },
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: BUDGET_KEY, ConsistentRead: true }),
      );
      const version = Item?.version as number | undefined;
      const current: BudgetState = Item
        ? { effectiveRate: Item.effectiveRate, updatedAt: Item.updatedAt, members: Item.members }
        : emptyBudget(this.maxItemsPerSecond, now);
      const changed = next(current);
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...BUDGET_KEY, ...changed.state, version: (version ?? 0) + 1 },
            ConditionExpression:
              version === undefined ? 'attribute_not_exists(version)' : 'version = :version',
            ...(version === undefined ? {} : { ExpressionAttributeValues: { ':version': version } }),
          }),
        );
        return changed.lease;
      } catch (error) {
        const lost = (error as { name?: string }).name === 'ConditionalCheckFailedException';
        if (!lost || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
