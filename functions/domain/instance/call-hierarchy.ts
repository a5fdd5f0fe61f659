import type { ProcessInstance } from './process-instance.ts';

/** Call hierarchies deeper than this are a cycle in the stored parents, not a real hierarchy. */
const MAX_CALL_DEPTH = 1000;

/** Camunda's ProcessInstanceCallHierarchyEntry. */
export interface CallHierarchyEntry {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionName: string;
}

/** What the walk reads of an instance: the built-in store's, or another engine's as it names them. */
type HierarchyMember = Pick<
  ProcessInstance,
  'processInstanceKey' | 'processDefinitionKey' | 'processDefinitionId'
> & {
  processDefinitionName?: string | null;
  parentProcessInstanceKey?: string | null;
};

/**
 * The call hierarchy of an instance as Camunda answers it: from the root instance down to the instance
 * itself, or empty for a root instance. Ancestors are named whatever the caller may read (Camunda
 * reads them without authorization too: a breadcrumb, not their data); one that is gone ends the
 * walk up.
 */
export async function callHierarchyOf<T extends HierarchyMember>(
  instances: { getInstance(processInstanceKey: string): Promise<T | undefined> },
  instance: T,
): Promise<CallHierarchyEntry[]> {
  const chain = [instance];
  let parentKey = instance.parentProcessInstanceKey;
  while (parentKey && chain.length < MAX_CALL_DEPTH) {
    const parent = await instances.getInstance(parentKey);
    if (!parent) break;
    chain.unshift(parent);
    parentKey = parent.parentProcessInstanceKey;
  }
  if (chain.length === 1) return [];
  return chain.map((entry) => ({
    processInstanceKey: entry.processInstanceKey,
    processDefinitionKey: entry.processDefinitionKey,
    processDefinitionName: entry.processDefinitionName ?? entry.processDefinitionId,
  }));
}
