import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoKeyGenerator } from '#adapters/dynamodb/key-generator.ts';
import { DynamoProcessDefinitionStore } from '#adapters/dynamodb/process-definition-store.ts';
import {
  DynamoProcessInstanceStore,
  moveInstancesToBucketIndexes,
} from '#adapters/dynamodb/process-instance-store.ts';
import { TransientStoreError } from '#domain/errors.ts';
import { matchesFilter } from '#domain/filter/evaluate-filter.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import { planQuery } from '#domain/filter/plan-query.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { keyFromSequence, shardOf } from '#domain/keys.ts';
import { cancelProcessInstance } from '#domain/operations/cancel-process-instance.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

const SHARDS = 3;
let dynamo: TestDynamo;
let store: DynamoProcessInstanceStore;
const instances: ProcessInstance[] = Array.from({ length: 30 }, (_, index) =>
  processInstance(100 + index, {
    processDefinitionId: index % 2 === 0 ? 'even' : 'odd',
    tenantId: index < 15 ? 'a' : 'b',
    variables: { index: String(index) },
  }),
);

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new DynamoProcessInstanceStore(dynamo.db, 'ProcessInstances', SHARDS);
  await store.putInstances(instances);
});
afterAll(() => dynamo.stop());

/** A shard's instances matching the filter, as the callers read them: candidates, then the evaluator. */
async function readShard(filter: unknown, shard: number, pageSize = 4): Promise<string[]> {
  const parsed = parseProcessInstanceFilter(filter);
  const plan = planQuery(parsed);
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryShard(plan, shard, { cursor, pageSize });
    keys.push(
      ...page.instances
        .filter((instance) => matchesFilter(parsed, instance))
        .map((instance) => instance.processInstanceKey),
    );
    cursor = page.cursor;
  } while (cursor);
  // Bucket after bucket, each in key order: the shard's keys as a set.
  return keys.sort();
}

const expected = (predicate: (instance: ProcessInstance) => boolean, shard: number) =>
  instances
    .filter((i) => predicate(i) && shardOf(i.processInstanceKey, SHARDS) === shard)
    .map((i) => i.processInstanceKey)
    .sort();

describe('DynamoProcessInstanceStore', () => {
  it('stores and reads an instance back unchanged', async () => {
    expect(await store.getInstance(instances[3].processInstanceKey)).toEqual(instances[3]);
    expect(await store.getInstance(keyFromSequence(99_999))).toBeUndefined();
  });

  it('reads the instances of many keys at once, each once, leaving out missing and deleted ones', async () => {
    // Prepare: a deleted instance's tombstone, and more keys than one BatchGetItem takes (100).
    const deleted = keyFromSequence(99_997);
    await dynamo.db.send(
      new PutCommand({
        TableName: 'ProcessInstances',
        Item: { processInstanceKey: deleted, deletedDate: '2026-01-01T00:00:00.000Z' },
      }),
    );
    const missing = Array.from({ length: 80 }, (_, index) => keyFromSequence(98_000 + index));
    const keys = [
      ...instances.map((i) => i.processInstanceKey),
      deleted,
      ...missing,
      instances[0].processInstanceKey,
    ];

    const found = await store.getInstances(keys);

    expect(found.sort((a, b) => a.processInstanceKey.localeCompare(b.processInstanceKey))).toEqual(
      [...instances].sort((a, b) => a.processInstanceKey.localeCompare(b.processInstanceKey)),
    );
    expect(await store.getInstances([])).toEqual([]);
  });

  it('pages a shard through the keys-only shard index, bucket by bucket, and reads the candidates whole', async () => {
    for (let shard = 0; shard < SHARDS; shard++) {
      expect(await readShard({ tenantId: 'a' }, shard)).toEqual(expected((i) => i.tenantId === 'a', shard));
    }
  });

  it('pages a shard through the definition index when the filter pins processDefinitionId', async () => {
    for (let shard = 0; shard < SHARDS; shard++) {
      expect(
        await readShard({ processDefinitionId: 'odd', variables: [{ name: 'index', value: '7' }] }, shard),
      ).toEqual(expected((i) => i.processDefinitionId === 'odd' && i.variables.index === '7', shard));
    }
  });

  it("names a definition's keys from the index alone when the filter pins nothing else", async () => {
    const plan = planQuery(parseProcessInstanceFilter({ processDefinitionId: 'odd' }));
    for (let shard = 0; shard < SHARDS; shard++) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.queryShardKeys(plan, shard, { cursor, pageSize: 2 });
        keys.push(...page.keys);
        cursor = page.cursor;
      } while (cursor);
      expect(keys.sort()).toEqual(expected((i) => i.processDefinitionId === 'odd', shard));
    }
  });

  it('reads candidates eventually consistent when asked, with the same result', async () => {
    const plan = planQuery(parseProcessInstanceFilter({ tenantId: 'b' }));
    const page = await store.queryShard(plan, 0, { pageSize: 100, consistency: 'eventual' });
    expect(
      page.instances
        .filter((instance) => instance.tenantId === 'b')
        .map((instance) => instance.processInstanceKey)
        .sort(),
    ).toEqual(expected((i) => i.tenantId === 'b', 0));
    expect(page.cursor).toBeUndefined();
  });

  it('moves an instance stored with the old per-shard index keys (an older DATA_DIR) to the bucket indexes', async () => {
    // Prepare: an instance as an earlier version stored it, keyed by shard alone.
    const legacy = processInstance(500, { processDefinitionId: 'legacy' });
    const shard = shardOf(legacy.processInstanceKey, SHARDS);
    const { batchOperationIds: _none, ...fields } = legacy;
    await dynamo.db.send(
      new PutCommand({
        TableName: 'ProcessInstances',
        Item: { ...fields, shard, shardProcessDefinitionId: `${shard}#legacy` },
      }),
    );
    expect(await readShard({ processDefinitionId: 'legacy' }, shard)).toEqual([]);
    // Act
    const moved = await moveInstancesToBucketIndexes(dynamo.db, 'ProcessInstances', SHARDS);
    const again = await moveInstancesToBucketIndexes(dynamo.db, 'ProcessInstances', SHARDS);
    // Assess
    expect([moved, again]).toEqual([1, 0]);
    expect(await readShard({ processDefinitionId: 'legacy' }, shard)).toEqual([legacy.processInstanceKey]);
    expect(await store.getInstance(legacy.processInstanceKey)).toEqual(legacy);
  });

  it('reads pinned keys of the shard only', async () => {
    const keys = instances.slice(0, 6).map((i) => i.processInstanceKey);
    for (let shard = 0; shard < SHARDS; shard++) {
      expect(await readShard({ processInstanceKey: { $in: keys } }, shard, 1)).toEqual(
        expected((i) => keys.includes(i.processInstanceKey), shard),
      );
    }
  });

  it('applies a command once per batch and returns the refused instance otherwise', async () => {
    // Prepare
    const key = instances[10].processInstanceKey;
    const command = cancelProcessInstance.command('2026-05-01T00:00:00.000Z');
    // Act
    const first = await store.applyCommand(key, command, '900');
    const again = await store.applyCommand(key, command, '900');
    const otherBatch = await store.applyCommand(key, command, '901');
    const missing = await store.applyCommand(keyFromSequence(99_998), command, '900');
    // Assess
    expect(first).toEqual({ applied: true });
    expect(again).toMatchObject({
      applied: false,
      current: { state: 'TERMINATED', batchOperationIds: ['900'] },
    });
    expect(otherBatch).toMatchObject({ applied: false, current: { state: 'TERMINATED' } });
    expect(missing).toEqual({ applied: false, current: undefined });
    expect(await store.getInstance(key)).toMatchObject({
      state: 'TERMINATED',
      endDate: '2026-05-01T00:00:00.000Z',
      batchOperationIds: ['900'],
    });
  });
  it('applies a batch of commands in one PartiQL batch, each applied or refused on its own, in order', async () => {
    // Prepare: 30 commands (more than one request's 25): a finished instance, one already marked by
    // the batch, a missing key among them.
    const command = cancelProcessInstance.command('2026-05-02T00:00:00.000Z');
    const [finished, marked, ...rest] = instances.slice(0, 8).map((i) => i.processInstanceKey);
    await store.applyCommand(finished, command, '950');
    await store.applyCommand(marked, command, '951');
    const keys = [finished, marked, ...rest, keyFromSequence(99_997)];
    const many = [...keys, ...Array.from({ length: 22 }, (_, index) => keyFromSequence(99_900 + index))];
    // Act
    const results = await store.applyBatchCommands(
      '951',
      many.map((processInstanceKey) => ({ processInstanceKey, command })),
    );
    // Assess
    expect(results).toHaveLength(many.length);
    expect(results[0]).toMatchObject({
      applied: false,
      current: { state: 'TERMINATED', batchOperationIds: ['950'] },
    });
    expect(results[1]).toMatchObject({ applied: false, current: { batchOperationIds: ['951'] } });
    expect(results.slice(2, 8)).toEqual(rest.map(() => ({ applied: true })));
    expect(results.slice(8)).toEqual(many.slice(8).map(() => ({ applied: false, current: undefined })));
    expect(await store.getInstance(rest[0])).toMatchObject({
      state: 'TERMINATED',
      endDate: '2026-05-02T00:00:00.000Z',
      batchOperationIds: ['951'],
    });
  });
});

describe('DynamoProcessDefinitionStore', () => {
  it('finds the latest version of an id within a tenant, or a given version', async () => {
    const definitions = new DynamoProcessDefinitionStore(dynamo.db, 'ProcessDefinitions');
    const base = { processDefinitionId: 'p', resourceName: 'p.bpmn', elementIds: ['a'], bpmnXml: '<x/>' };
    await definitions.putDefinition({ ...base, processDefinitionKey: '11', version: 1, tenantId: 't1' });
    await definitions.putDefinition({ ...base, processDefinitionKey: '12', version: 2, tenantId: 't1' });
    await definitions.putDefinition({ ...base, processDefinitionKey: '13', version: 3, tenantId: 't2' });
    expect((await definitions.findDefinition('p', 't1'))?.processDefinitionKey).toBe('12');
    expect((await definitions.findDefinition('p', 't1', 1))?.processDefinitionKey).toBe('11');
    expect((await definitions.findDefinition('p', 't2'))?.version).toBe(3);
    expect(await definitions.findDefinition('p', 't3')).toBeUndefined();
    expect((await definitions.getDefinition('13'))?.tenantId).toBe('t2');
  });
});

describe('DynamoKeyGenerator', () => {
  it('never hands out a key twice, across concurrent callers and generators', async () => {
    const generators = [
      new DynamoKeyGenerator(dynamo.db, 'KeySequences'),
      new DynamoKeyGenerator(dynamo.db, 'KeySequences'),
    ];
    const batches = await Promise.all(
      Array.from({ length: 40 }, (_, index) => generators[index % 2].nextKeys(97)),
    );
    const keys = batches.flat();
    expect(keys).toHaveLength(40 * 97);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((key) => key.length === 16)).toBe(true);
  });
});

/** A document client of its own on a database (its middleware stays out of the shared one). */
function documentClient(settings: TestDynamo['settings'], maxAttempts = 3) {
  const client = new DynamoDBClient({ ...settings, maxAttempts });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

type BatchGetOutput = {
  Responses?: Record<string, Record<string, AttributeValue>[]>;
  UnprocessedKeys?: Record<string, { Keys: Record<string, AttributeValue>[]; ConsistentRead?: boolean }>;
};

/**
 * DynamoDB Local answers every BatchGetItem in full; DynamoDB may leave keys unprocessed (throttling,
 * the 16 MB response limit). This middleware turns the first `unprocessed(call)` items of each real
 * answer back into unprocessed keys, after the SDK's retries, as the caller sees such an answer.
 */
function withUnprocessedKeys(db: DynamoDBDocumentClient, unprocessed: (call: number) => number) {
  let calls = 0;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName !== 'BatchGetItemCommand') return result;
      const output = result.output as BatchGetOutput;
      const items = output.Responses?.ProcessInstances ?? [];
      const held = items.slice(0, unprocessed(calls++));
      output.Responses = { ProcessInstances: items.slice(held.length) };
      output.UnprocessedKeys =
        held.length > 0
          ? {
              ProcessInstances: {
                Keys: held.map((item) => ({ processInstanceKey: item.processInstanceKey })),
                ConsistentRead: true,
              },
            }
          : {};
      return result;
    },
    { step: 'build', name: 'unprocessedKeys' },
  );
  return { calls: () => calls };
}

/** A sleep that only records how long it was asked to wait. */
function recordedSleeps() {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

const RETRY = { maxRetries: 2, initialDelayMs: 100, maxDelayMs: 150, backoffFactor: 2 };
const pinned = (keys: string[]) =>
  planQuery(parseProcessInstanceFilter({ processInstanceKey: { $in: keys } }));

describe('DynamoProcessInstanceStore under failures', () => {
  it('retries keys BatchGetItem left unprocessed after the query retry policy delays, and reads them all', async () => {
    // Prepare: the first two answers leave 2 keys unprocessed, the third answers in full.
    const db = documentClient(dynamo.settings);
    const batchGets = withUnprocessedKeys(db, (call) => (call < 2 ? 2 : 0));
    const { waits, sleep } = recordedSleeps();
    const flaky = new DynamoProcessInstanceStore(db, 'ProcessInstances', SHARDS, { settings: RETRY, sleep });
    const keys = instances.slice(0, 9).map((i) => i.processInstanceKey);
    // Act
    const page = await flaky.queryShard(pinned(keys), 0, { pageSize: 100 });
    // Assess
    expect(page.instances.map((i) => i.processInstanceKey)).toEqual(
      expected((i) => keys.includes(i.processInstanceKey), 0),
    );
    expect(page.instances.length).toBeGreaterThan(2);
    expect(page.retries).toBe(2);
    expect(waits).toEqual([100, 150]);
    expect(batchGets.calls()).toBe(3);
    db.destroy();
  });

  it('gives up on keys that stay unprocessed once the retries are used up, with the transient store error', async () => {
    // Prepare: every answer leaves every key unprocessed.
    const db = documentClient(dynamo.settings);
    const batchGets = withUnprocessedKeys(db, () => Number.MAX_SAFE_INTEGER);
    const { waits, sleep } = recordedSleeps();
    const throttled = new DynamoProcessInstanceStore(db, 'ProcessInstances', SHARDS, {
      settings: RETRY,
      sleep,
    });
    const keys = expected(() => true, 1);
    // Act
    const query = throttled.queryShard(pinned(keys), 1, { pageSize: 100 });
    // Assess
    await expect(query).rejects.toThrow(TransientStoreError);
    await expect(query).rejects.toThrow(
      `BatchGetItem left ${keys.length} of ${keys.length} keys unprocessed and it still failed after 2 retries`,
    );
    expect(waits).toEqual([100, 150]);
    expect(batchGets.calls()).toBe(3);
    db.destroy();
  });

  it('lets a programming error (TypeError) through at once, unretried and not as a transient error', async () => {
    // Prepare: the SDK fails to read DynamoDB's answer with a TypeError, below its own retries.
    const db = documentClient(dynamo.settings);
    let sent = 0;
    db.middlewareStack.add(
      (next) => async (args) => {
        sent++;
        await next(args);
        throw new TypeError("Cannot read properties of undefined (reading 'S')");
      },
      { step: 'deserialize', priority: 'high', name: 'brokenResponseParser' },
    );
    const broken = new DynamoProcessInstanceStore(db, 'ProcessInstances', SHARDS);
    // Act
    const query = broken.queryShard(planQuery(parseProcessInstanceFilter({ tenantId: 'a' })), 0, {
      pageSize: 10,
    });
    // Assess
    await expect(query).rejects.toThrow(TypeError);
    await expect(query).rejects.not.toThrow(TransientStoreError);
    expect(sent).toBe(1);
    db.destroy();
  });

  it('reports a refused connection (ECONNREFUSED) as a transient store error', async () => {
    // Prepare: a port nothing listens on.
    const db = documentClient({ ...dynamo.settings, endpoint: 'http://127.0.0.1:1' }, 1);
    const unreachable = new DynamoProcessInstanceStore(db, 'ProcessInstances', SHARDS);
    // Act
    const query = unreachable.queryShard(planQuery(parseProcessInstanceFilter({ tenantId: 'a' })), 0, {
      pageSize: 10,
    });
    // Assess
    const error = await query.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    db.destroy();
  });
});
