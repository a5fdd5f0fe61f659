/**
 * The numeric keys that stand for an external engine's string ids on Camunda 8's wire (a Camunda 7
 * instance id `5c7a2f6e-…` as `4026742180350563191`), and the way back. A key is a function of its id
 * (functions/domain/surrogate-key.ts); the map remembers each key it hands out, so a key a client
 * got from any process can be turned back into the id.
 */
export interface EngineIdMap {
  /**
   * The keys of these ids (in their order), each remembered before it is returned. Throws when a key
   * is already bound to another id (a hash collision), never handing out a key that means two ids.
   */
  keysOf(kind: string, ids: readonly string[]): Promise<string[]>;
  /** The ids of the keys it handed out; a key it never handed out is absent. */
  idsOf(keys: readonly string[]): Promise<Map<string, string>>;
}

/** Thrown when two engine ids hash to one key: a batch must not act on the wrong one. */
export class EngineIdCollisionError extends Error {
  constructor(key: string, stored: string, id: string) {
    super(
      `Key ${key} stands for engine id '${stored}' and cannot stand for '${id}' too (a SHA-256 collision): name the item by its engine id`,
    );
    this.name = 'EngineIdCollisionError';
  }
}
