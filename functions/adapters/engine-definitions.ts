import type { ProcessDefinition } from '#domain/instance/process-definition.ts';
import type { EngineReads, ProcessDefinitionResult } from '#ports/engine-reads.ts';
import type { DefinitionPage, ProcessDefinitionStore } from '#ports/process-definition-store.ts';

/** Every definition may be listed: the caller narrows to its scope (definitionsInScope). */
const EVERY_DEFINITION = {
  permission: 'READ_PROCESS_DEFINITION',
  processDefinitionIds: '*',
  tenantIds: '*',
} as const;

/** A definition as the built-in store lists one (absent values left out). */
function summaryOf({
  name,
  versionTag,
  state: _state,
  hasStartForm: _form,
  ...rest
}: ProcessDefinitionResult) {
  return {
    ...rest,
    ...(name === null ? {} : { name }),
    ...(versionTag === null ? {} : { versionTag }),
  };
}

/**
 * An external engine's definitions as the definition store the domain reads them from (a migration's
 * and a modification's checks at creation, a search over every definition), through the engine's
 * reads: its searches for the list, its get and BPMN XML for one definition (whose flow the domain
 * parses from the XML). Definitions are deployed to that engine, never stored here.
 */
export class EngineDefinitions implements ProcessDefinitionStore {
  constructor(private readonly reads: EngineReads) {}

  putDefinition(definition: ProcessDefinition): Promise<void> {
    return Promise.reject(
      new Error(`Definition ${definition.processDefinitionKey} belongs to the engine: deploy it there`),
    );
  }

  async getDefinition(processDefinitionKey: string): Promise<ProcessDefinition | undefined> {
    const [found, bpmnXml] = await Promise.all([
      this.reads.getProcessDefinition(processDefinitionKey),
      this.reads.getProcessDefinitionXml(processDefinitionKey),
    ]);
    // The element ids and flow are parsed from the XML where the domain needs them (definition-flow.ts).
    return found && bpmnXml !== undefined ? { ...summaryOf(found), elementIds: [], bpmnXml } : undefined;
  }

  async findDefinition(processDefinitionId: string, tenantId: string, version?: number) {
    const { items } = await this.reads.searchProcessDefinitions(
      {
        filter: { processDefinitionId, tenantId, ...(version === undefined ? {} : { version }) },
        sort: [{ field: 'version', order: 'DESC' }],
        page: { limit: 1 },
      },
      EVERY_DEFINITION,
    );
    return items[0] && this.getDefinition(items[0].processDefinitionKey);
  }

  async listDefinitions(page: { cursor?: string; limit: number }): Promise<DefinitionPage> {
    const found = await this.reads.searchProcessDefinitions(
      { page: { limit: page.limit, ...(page.cursor ? { after: page.cursor } : {}) } },
      EVERY_DEFINITION,
    );
    const last = found.items.length < page.limit || !found.page.endCursor;
    return {
      definitions: found.items.map(summaryOf),
      ...(last ? {} : { cursor: String(found.page.endCursor) }),
    };
  }
}
