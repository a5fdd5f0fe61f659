import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { type InstanceScope, isInScope, isUnrestricted } from './permissions.ts';

/**
 * The process definitions as a caller with this scope sees them: the others do not exist for it. What
 * a batch request's checks read (a migration's target, a modification's source definitions), so that
 * they neither accept a definition the caller may not touch nor tell it, in a 400, that one exists or
 * what it holds: an unknown key and a key out of scope answer alike.
 */
export function definitionsInScope(
  definitions: ProcessDefinitionStore,
  scope: InstanceScope,
): ProcessDefinitionStore {
  if (isUnrestricted(scope)) return definitions;
  const visible = <T extends { processDefinitionId: string; tenantId: string }>(definition: T | undefined) =>
    definition && isInScope(scope, definition) ? definition : undefined;
  return {
    putDefinition: (definition) => definitions.putDefinition(definition),
    getDefinition: async (key) => visible(await definitions.getDefinition(key)),
    findDefinition: async (id, tenantId, version) =>
      visible(await definitions.findDefinition(id, tenantId, version)),
    listDefinitions: async (page) => {
      const found = await definitions.listDefinitions(page);
      return {
        ...found,
        definitions: found.definitions.filter((definition) => isInScope(scope, definition)),
      };
    },
  };
}
