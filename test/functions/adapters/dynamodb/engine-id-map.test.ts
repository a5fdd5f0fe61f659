import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEngineIdMap } from '#adapters/dynamodb/engine-id-map.ts';
import { surrogateKey } from '#domain/surrogate-key.ts';
import { EngineIdCollisionError } from '#ports/engine-id-map.ts';
import { startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('the engine id map in DynamoDB', () => {
  it('hands out the surrogate key of each id, and another process reads the id back from the table', async () => {
    // Prepare: more ids than one BatchWriteItem and one BatchGetItem take, one of them twice.
    const ids = Array.from(
      { length: 130 },
      (_, i) => `5c7a2f6e-f1f3-11f1-beac-${String(i).padStart(12, '0')}`,
    );

    // Act
    const keys = await new DynamoEngineIdMap(dynamo.db, 'KeySequences').keysOf('camunda7', [...ids, ids[0]]);
    const found = await new DynamoEngineIdMap(dynamo.db, 'KeySequences').idsOf([...keys, '17']);

    // Assess
    expect(keys).toEqual([...ids, ids[0]].map((id) => surrogateKey('camunda7', id)));
    expect(found.size).toBe(130);
    for (const [i, id] of ids.entries()) expect(found.get(keys[i])).toBe(id);
    expect(found.has('17')).toBe(false);
  });

  it('keeps its records apart from the key counters, and writing an id again changes nothing', async () => {
    const map = new DynamoEngineIdMap(dynamo.db, 'KeySequences');
    const [key] = await map.keysOf('camunda7', ['order:2:8f3c']);
    await new DynamoEngineIdMap(dynamo.db, 'KeySequences').keysOf('camunda7', ['order:2:8f3c']);
    const { Item } = await dynamo.db.send(
      new GetCommand({ TableName: 'KeySequences', Key: { sequence: `engine-id#${key}` } }),
    );
    expect(Item).toEqual({ sequence: `engine-id#${key}`, engineId: 'order:2:8f3c' });
  });

  it('refuses loudly to hand out a key it found bound to another id', async () => {
    // Prepare: the record a collision would leave, the key of 'instance-b' bound to 'instance-a'.
    const key = surrogateKey('camunda7', 'instance-b');
    await dynamo.db.send(
      new PutCommand({
        TableName: 'KeySequences',
        Item: { sequence: `engine-id#${key}`, engineId: 'instance-a' },
      }),
    );
    const map = new DynamoEngineIdMap(dynamo.db, 'KeySequences');
    expect(await map.idsOf([key])).toEqual(new Map([[key, 'instance-a']]));

    // Act and assess
    await expect(map.keysOf('camunda7', ['instance-b'])).rejects.toThrow(EngineIdCollisionError);
  });
});
