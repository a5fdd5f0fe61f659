import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import { matchesFilter } from '#domain/filter/evaluate-filter.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import { planQuery } from '#domain/filter/plan-query.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { shardOf } from '#domain/keys.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';
import { INSTANCE_COUNT, randomInstances, validFilter } from '../../../helpers/filter-arbitraries.ts';

const SHARDS = 3;
const instances = randomInstances(INSTANCE_COUNT, 20261123);
let dynamo: TestDynamo;
let store: DynamoProcessInstanceStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new DynamoProcessInstanceStore(dynamo.db, 'ProcessInstances', SHARDS);
  await store.putInstances(instances);
});
afterAll(() => dynamo.stop());

/** What search, count, dry run and batches see: every shard's candidates, then the evaluator. */
async function readAll(filterJson: unknown): Promise<{ keys: string[]; candidates: number }> {
  const filter = parseProcessInstanceFilter(filterJson);
  const plan = planQuery(filter);
  const keys: string[] = [];
  let candidates = 0;
  for (let shard = 0; shard < SHARDS; shard++) {
    const shardKeys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.queryShard(plan, shard, { cursor, pageSize: 73 });
      for (const instance of page.instances) {
        expect(shardOf(instance.processInstanceKey, SHARDS)).toBe(shard);
        candidates++;
        if (matchesFilter(filter, instance)) shardKeys.push(instance.processInstanceKey);
      }
      cursor = page.cursor;
    } while (cursor);
    // A shard's candidates come each once (bucket by bucket, so not in key order).
    expect(shardKeys).toHaveLength(new Set(shardKeys).size);
    keys.push(...shardKeys);
  }
  return { keys: keys.sort(), candidates };
}

const expected = (filterJson: unknown): string[] => {
  const filter = parseProcessInstanceFilter(filterJson);
  return instances
    .filter((instance: ProcessInstance) => matchesFilter(filter, instance))
    .map((instance) => instance.processInstanceKey)
    .sort();
};

describe('planner + DynamoDB against the evaluator (property)', () => {
  it('reads exactly the instances the evaluator matches, for random filters over random instances', async () => {
    let nonEmpty = 0;
    let narrowed = 0;
    await fc.assert(
      fc.asyncProperty(validFilter, async (filter) => {
        const want = expected(filter);
        const { keys, candidates } = await readAll(filter);
        expect(keys).toEqual(want);
        if (want.length > 0) nonEmpty++;
        if (candidates < instances.length) narrowed++;
      }),
      { numRuns: 70, seed: 7 },
    );
    // The runs must mean something: many filters match some instances, and some reads were narrowed
    // by their access path (pinned keys or the definition index; the indexes hold keys only, so
    // nothing else is filtered before the candidates are read).
    expect(nonEmpty).toBeGreaterThan(20);
    expect(narrowed).toBeGreaterThan(3);
  });

  it.each([
    [{ processDefinitionId: { $like: 'a\\*b' } }],
    [{ processDefinitionId: { $like: 'back\\\\*' } }],
    [{ processDefinitionId: { $in: [] } }],
    [{ processInstanceKey: { $notIn: [] }, tags: ['gold', 'x:1'] }],
    [{ hasRetriesLeft: false, batchOperationKey: { $neq: '901' } }],
    [{ variables: [{ name: 'a.b', value: { $neq: '42' } }] }],
    [{ variables: [{ name: 'region', value: { $exists: false } }], errorMessage: { $exists: false } }],
    [{ errorMessage: { $like: 'time\\*out' }, incidentErrorHashCode: { $gt: 0 } }],
    [{ elementId: { $neq: 'review' }, hasElementInstanceIncident: true }],
    [{ $or: [{ processDefinitionId: 'order' }, { processDefinitionId: 'invoice', tenantId: 't1' }] }],
    [{ $or: [{ processDefinitionId: 'order' }, { processDefinitionId: 'order', state: 'ACTIVE' }] }],
  ])('agrees on the edge case %j', async (filter) => {
    expect((await readAll(filter)).keys).toEqual(expected(filter));
  });
});
