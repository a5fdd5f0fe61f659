import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import type { ProcessDefinition } from '../instance/process-definition.ts';

/** Definitions read per page when collecting the versions of a process id. */
const PAGE_SIZE = 100;

/** A top-level field of the filter JSON pinned to one value (plain or `$eq`), if it is. */
function pinnedValue(filter: unknown, field: string): string | undefined {
  if (typeof filter !== 'object' || filter === null) return undefined;
  const value: unknown = (filter as Record<string, unknown>)[field];
  const plain = typeof value === 'object' && value !== null ? (value as { $eq?: unknown }).$eq : value;
  return typeof plain === 'string' || typeof plain === 'number' ? String(plain) : undefined;
}

/**
 * The definitions whose instances a batch's filter can match, when the filter pins them at its top
 * level: one definition by `processDefinitionKey`, or the versions of a `processDefinitionId` (narrowed
 * by a pinned `processDefinitionVersion` and `tenantId`). Undefined when the filter pins none: then
 * only each item can be checked. What creation validates instructions and plans against.
 */
export async function pinnedDefinitions(
  definitions: ProcessDefinitionStore,
  filter: unknown,
): Promise<ProcessDefinition[] | undefined> {
  const key = pinnedValue(filter, 'processDefinitionKey');
  if (key !== undefined) {
    const definition = await definitions.getDefinition(key);
    return definition ? [definition] : [];
  }
  const id = pinnedValue(filter, 'processDefinitionId');
  if (id === undefined) return undefined;
  const version = pinnedValue(filter, 'processDefinitionVersion');
  const tenantId = pinnedValue(filter, 'tenantId');
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await definitions.listDefinitions({ cursor, limit: PAGE_SIZE });
    for (const summary of page.definitions) {
      if (summary.processDefinitionId !== id) continue;
      if (version !== undefined && String(summary.version) !== version) continue;
      if (tenantId !== undefined && summary.tenantId !== tenantId) continue;
      keys.push(summary.processDefinitionKey);
    }
    cursor = page.cursor;
  } while (cursor);
  const found = await Promise.all(keys.map((definitionKey) => definitions.getDefinition(definitionKey)));
  return found.filter((definition): definition is ProcessDefinition => definition !== undefined);
}
