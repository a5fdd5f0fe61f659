import { z } from 'zod';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { isKey } from '../keys.ts';
import { searchPageSchema } from '../search-page.ts';
import {
  equalityOf,
  isDescending,
  matchesString,
  PageSelection,
  type SortValue,
  sortSchema,
  stringFilterSchema,
} from '../search-support.ts';
import type { ProcessInstance } from './process-instance.ts';
import { forEachMatchingInstance } from './search-process-instances.ts';

/** Camunda's default variable size threshold: a search shows longer values cut to it (`isTruncated`). */
export const VARIABLE_TRUNCATION_LENGTH = 8191;

/** Digits of a variable key after its instance's key: what names the variable within the instance. */
const NAME_DIGITS = 9;

/** FNV-1a (32 bits) of a variable name, in NAME_DIGITS decimal digits. */
function nameDigits(name: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193) >>> 0;
  }
  return String(hash % 10 ** NAME_DIGITS).padStart(NAME_DIGITS, '0');
}

/**
 * A variable's key. The store keeps an instance's variables by name, without keys of their own, so the
 * key is derived: the instance's key followed by digits of the name's hash (25 digits, the length
 * Camunda's key pattern allows, beyond a 64-bit long: docs/camunda-compatibility.md). It is stable
 * for as long as the variable exists and leads back to it.
 */
export function variableKeyOf(processInstanceKey: string, name: string): string {
  return `${processInstanceKey}${nameDigits(name)}`;
}

/** The instance a variable key names and the name hash it carries; undefined for a key of no variable. */
export function parseVariableKey(
  variableKey: string,
): { processInstanceKey: string; digits: string } | undefined {
  const processInstanceKey = variableKey.slice(0, -NAME_DIGITS);
  if (!/^\d+$/.test(variableKey) || !isKey(processInstanceKey)) return undefined;
  return { processInstanceKey, digits: variableKey.slice(-NAME_DIGITS) };
}

/** The variable of an instance a key names, as Camunda's VariableResult (its full value); undefined if none. */
export function variableOf(instance: ProcessInstance, variableKey: string) {
  const digits = parseVariableKey(variableKey)?.digits;
  const name = Object.keys(instance.variables).find((candidate) => nameDigits(candidate) === digits);
  if (name === undefined) return undefined;
  const { isTruncated: _, ...variable } = toVariableResult(instance, name, false);
  return variable;
}

/** Camunda's VariableSearchResult. Every variable here lives in its instance's scope (no local scopes). */
function toVariableResult(instance: ProcessInstance, name: string, truncate: boolean) {
  const value = instance.variables[name];
  const isTruncated = truncate && value.length > VARIABLE_TRUNCATION_LENGTH;
  return {
    name,
    value: isTruncated ? value.slice(0, VARIABLE_TRUNCATION_LENGTH) : value,
    isTruncated,
    tenantId: instance.tenantId,
    variableKey: variableKeyOf(instance.processInstanceKey, name),
    scopeKey: instance.processInstanceKey,
    processInstanceKey: instance.processInstanceKey,
    // The store keeps an instance's parent, not the root of its call hierarchy (as incidents).
    rootProcessInstanceKey: null,
  };
}
/** A variable search's item (VariableSearchResult) as the built-in engine answers it. */
export type VariableSearchItem = ReturnType<typeof toVariableResult>;

const SORT_FIELDS = ['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey'] as const;

/** Camunda's variable search request. */
export const variableSearchSchema = z
  .object({
    filter: z
      .object({
        name: stringFilterSchema.optional(),
        value: stringFilterSchema.optional(),
        tenantId: z.string().optional(),
        isTruncated: z.boolean().optional(),
        variableKey: stringFilterSchema.optional(),
        scopeKey: stringFilterSchema.optional(),
        processInstanceKey: stringFilterSchema.optional(),
      })
      .strict()
      .optional(),
    sort: sortSchema(SORT_FIELDS),
    page: searchPageSchema.optional(),
  })
  .strict();
export type VariableSearch = z.infer<typeof variableSearchSchema>;

/**
 * Camunda's variable search: the variables of the instances the caller may read. A filter pinning the
 * instance (or scope) reads that instance only; otherwise every instance is read, shard by shard. A
 * value filter compares the stored JSON text (`"\"EU\""` for the string EU), as Camunda does.
 */
export async function searchVariables(
  store: ProcessInstanceStore,
  shardCount: number,
  request: VariableSearch,
  truncate: boolean,
  visible: (instance: ProcessInstance) => boolean,
) {
  const filter = request.filter ?? {};
  const pinned = equalityOf(filter.processInstanceKey) ?? equalityOf(filter.scopeKey);
  const sort = [...(request.sort ?? []), { field: 'variableKey' as const, order: 'ASC' as const }];
  const selection = new PageSelection<VariableSearchItem>(
    request.page,
    sort.map((entry) => isDescending(entry.order)),
  );
  const sortKey = (variable: VariableSearchItem): SortValue[] => sort.map(({ field }) => variable[field]);
  // A pinned key of another shape names no instance: nothing matches (a search refuses no key's shape).
  if (pinned !== undefined && !isKey(pinned)) return { items: [], page: selection.result().page };
  await forEachMatchingInstance(
    store,
    shardCount,
    pinned === undefined ? {} : { processInstanceKey: pinned },
    visible,
    (instance) => {
      for (const name of Object.keys(instance.variables)) {
        const variable = toVariableResult(instance, name, truncate);
        const matches =
          (filter.tenantId === undefined || variable.tenantId === filter.tenantId) &&
          (filter.isTruncated === undefined || variable.isTruncated === filter.isTruncated) &&
          (['name', 'value', 'variableKey', 'scopeKey', 'processInstanceKey'] as const).every((field) =>
            matchesString(filter[field], variable[field]),
          );
        if (matches) selection.offer(sortKey(variable), variable);
      }
    },
  );
  const { values, page } = selection.result();
  return { items: values, page };
}
