import { CAMUNDA_KEY_PATTERN, surrogateKey } from '#domain/surrogate-key.ts';
import type { EngineIdMap } from '#ports/engine-id-map.ts';

/** The kind the map hashes Camunda 7's ids under: the engine draws every entity's id from one generator, so one kind. */
const KIND = 'camunda7';

/** Camunda 8's key fields a read of a Camunda 7 engine fills, each with its extension field for the engine's id. */
export const KEY_FIELDS = [
  'processInstanceKey',
  'processDefinitionKey',
  'parentProcessInstanceKey',
  'rootProcessInstanceKey',
  'incidentKey',
  'jobKey',
  'elementInstanceKey',
  'variableKey',
  'scopeKey',
] as const;

/** `processInstanceKey` → `processInstanceEngineId`: where the engine's own id stands next to its key. */
export const engineIdField = (keyField: string) => `${keyField.slice(0, -'Key'.length)}EngineId`;

/**
 * The Camunda 7 adapter's boundary with Camunda 8's wire: out, every id in a key field becomes its
 * numeric surrogate key (the id in the `…EngineId` field beside it); in, a key field takes either
 * a key this service handed out or the engine's own id.
 */
export class Camunda7Keys {
  constructor(private readonly map: EngineIdMap) {}

  /** The keys of these ids, remembered so that they can be passed back. */
  async keysOf(ids: readonly string[]): Promise<string[]> {
    return ids.length === 0 ? [] : await this.map.keysOf(KIND, ids);
  }

  /**
   * The engine ids these values name, in their order: a key this service handed out is its id; any
   * other value (a Camunda 7 id, also a numeric one of an engine with the database id generator) is
   * taken as the engine's id, so that an unknown one is the engine's own "not found".
   */
  async idsOf(values: readonly string[]): Promise<string[]> {
    const keys = values.filter((value) => CAMUNDA_KEY_PATTERN.test(value));
    const ids = keys.length === 0 ? new Map<string, string>() : await this.map.idsOf(keys);
    return values.map((value) => ids.get(value) ?? value);
  }

  /**
   * The keys these values name, for matching records already keyed: a key this service handed out as
   * it is, an engine id as its key (not remembered: matching hands nothing out).
   */
  async asKeys(values: readonly string[]): Promise<string[]> {
    const ids = await this.idsOf(values);
    return values.map((value, i) => (ids[i] !== value ? value : surrogateKey(KIND, value)));
  }

  async idOf(value: string): Promise<string> {
    return (await this.idsOf([value]))[0];
  }

  /** The records with every key field's id replaced by its key and kept in the field's `…EngineId`. */
  async keyed<T extends object>(records: readonly T[]): Promise<T[]> {
    const ids = records.flatMap((record) =>
      KEY_FIELDS.map((field) => (record as Record<string, unknown>)[field]).filter(
        (value): value is string => typeof value === 'string',
      ),
    );
    const unique = [...new Set(ids)];
    const keys = new Map((await this.keysOf(unique)).map((key, i) => [unique[i], key]));
    return records.map((record) => {
      const copy: Record<string, unknown> = { ...(record as Record<string, unknown>) };
      for (const field of KEY_FIELDS) {
        const id = copy[field];
        if (typeof id !== 'string') continue;
        copy[field] = keys.get(id);
        copy[engineIdField(field)] = id;
      }
      return copy as T;
    });
  }
}
