import type { ProcessDefinition } from '#domain/instance/process-definition.ts';

export interface ProcessDefinitionStore {
  putDefinition(definition: ProcessDefinition): Promise<void>;
  getDefinition(processDefinitionKey: string): Promise<ProcessDefinition | undefined>;
  /** Highest version of a process id, or the given version, within a tenant. */
  findDefinition(
    processDefinitionId: string,
    tenantId: string,
    version?: number,
  ): Promise<ProcessDefinition | undefined>;
  /** Every definition, page by page, without its BPMN and flow (what a search shows). */
  listDefinitions(page: { cursor?: string; limit: number }): Promise<DefinitionPage>;
}

/** The fields of a definition a search shows. */
export type DefinitionSummary = Omit<
  ProcessDefinition,
  'bpmnXml' | 'flowNodes' | 'elementIds' | 'initialElementId'
>;

/** A page of definitions; `cursor` is absent on the last page. */
export interface DefinitionPage {
  definitions: DefinitionSummary[];
  cursor?: string;
}
