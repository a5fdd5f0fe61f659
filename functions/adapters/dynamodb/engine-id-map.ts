import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { surrogateKey } from '#domain/surrogate-key.ts';
import { EngineIdCollisionError, type EngineIdMap } from '#ports/engine-id-map.ts';

/** BatchWriteItem takes at most 25 puts (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html). */
export const DDB_BATCH_WRITE_MAX = 25;
/** BatchGetItem takes at most 100 keys (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). */
export const DDB_BATCH_GET_MAX = 100;
/** Attempts at the items DynamoDB left unprocessed (throttled) before the call fails. */
const UNPROCESSED_ATTEMPTS = 10;
/** Keys kept in memory per process: a million batch items' worth would crowd a Lambda's memory. */
const CACHE_MAX = 200_000;
/** The prefix of the map's records in the key-sequences table, apart from its counters (`keys`). */
const PREFIX = 'engine-id#';

const chunks = <T>(values: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(values.length / size) }, (_, i) => values.slice(i * size, (i + 1) * size));

/**
 * Engine ids by key in the key-sequences table (`sequence = engine-id#<key>`, `engineId`): puts are
 * idempotent (a key is a function of its id), batched 25 per call, and skipped for keys this process
 * already wrote or read. A collision shows where it is cheap: a key this process knows bound to
 * another id (across processes a colliding put would overwrite; at the odds of surrogate-key.ts).
 */
export class DynamoEngineIdMap implements EngineIdMap {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async keysOf(kind: string, ids: readonly string[]): Promise<string[]> {
    const keys = ids.map((id) => surrogateKey(kind, id));
    const fresh = new Map<string, string>();
    keys.forEach((key, i) => {
      const bound = this.known.get(key) ?? fresh.get(key);
      if (bound !== undefined && bound !== ids[i]) throw new EngineIdCollisionError(key, bound, ids[i]);
      if (bound === undefined) fresh.set(key, ids[i]);
    });
    for (const part of chunks([...fresh], DDB_BATCH_WRITE_MAX)) {
      let requests = part.map(([key, engineId]) => ({
        PutRequest: { Item: { sequence: `${PREFIX}${key}`, engineId } },
      }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS)
          throw new Error(`DynamoDB left ${requests.length} engine ids unwritten`);
        const { UnprocessedItems } = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
    for (const [key, id] of fresh) this.remember(key, id);
    return keys;
  }

  async idsOf(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing = new Set<string>();
    for (const key of keys) {
      const id = this.known.get(key);
      if (id === undefined) missing.add(key);
      else found.set(key, id);
    }
    for (const part of chunks([...missing], DDB_BATCH_GET_MAX)) {
      let wanted: Record<string, string>[] = part.map((key) => ({ sequence: `${PREFIX}${key}` }));
      for (let attempt = 1; wanted.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS)
          throw new Error(`DynamoDB left ${wanted.length} engine ids unread`);
        const { Responses, UnprocessedKeys } = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: wanted } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          const key = String(item.sequence).slice(PREFIX.length);
          found.set(key, String(item.engineId));
          this.remember(key, String(item.engineId));
        }
        wanted = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, string>[];
      }
    }
    return found;
  }

  private remember(key: string, id: string): void {
    // Emptied whole when full: a forgotten key costs one read or one idempotent put, never a wrong id.
    if (this.known.size >= CACHE_MAX) this.known.clear();
    this.known.set(key, id);
  }
}
