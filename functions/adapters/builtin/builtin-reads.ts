import { type InstanceScope, isInScope } from '#domain/authorization/permissions.ts';
import { toIncidentResult } from '#domain/incident/incident.ts';
import { type IncidentSearch, searchIncidents } from '#domain/incident/search-incidents.ts';
import { ElementCounter } from '#domain/instance/element-statistics.ts';
import {
  type ProcessDefinitionSearch,
  searchProcessDefinitions,
  toProcessDefinitionResult,
} from '#domain/instance/search-process-definitions.ts';
import {
  forEachMatchingInstance,
  type ProcessInstanceSearch,
  searchProcessInstances,
} from '#domain/instance/search-process-instances.ts';
import { type JobSearch, type SearchJobsDeps, searchJobs } from '#domain/job/search-jobs.ts';
import type { EngineReads } from '#ports/engine-reads.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { toProcessInstanceResult } from '#wire/process-instance-result.ts';

export interface BuiltinReadsDeps extends SearchJobsDeps {
  definitions: ProcessDefinitionStore;
  shardCount: number;
}

const within = (scope: InstanceScope) => (record: { processDefinitionId: string; tenantId: string }) =>
  isInScope(scope, record);

/** The console's and the CLI's reads on the built-in engine's own stores, by the domain's searches. */
export class BuiltinEngineReads implements EngineReads {
  constructor(private readonly deps: BuiltinReadsDeps) {}

  searchProcessDefinitions(request: ProcessDefinitionSearch, scope: InstanceScope) {
    return searchProcessDefinitions(this.deps.definitions, request, within(scope));
  }

  async getProcessDefinition(processDefinitionKey: string) {
    const definition = await this.deps.definitions.getDefinition(processDefinitionKey);
    return definition && toProcessDefinitionResult(definition);
  }

  async getProcessDefinitionXml(processDefinitionKey: string) {
    return (await this.deps.definitions.getDefinition(processDefinitionKey))?.bpmnXml;
  }

  async processDefinitionElementStatistics(
    processDefinitionKey: string,
    filter: Record<string, unknown> | undefined,
  ) {
    const counter = new ElementCounter();
    await forEachMatchingInstance(
      this.deps.instances,
      this.deps.shardCount,
      { ...filter, processDefinitionKey },
      () => true,
      (instance) => counter.add(instance),
    );
    return counter.result();
  }

  searchProcessInstances(request: ProcessInstanceSearch, scope: InstanceScope) {
    return searchProcessInstances(this.deps.instances, this.deps.shardCount, request, within(scope));
  }

  async getProcessInstance(processInstanceKey: string) {
    const instance = await this.deps.instances.getInstance(processInstanceKey);
    return instance && toProcessInstanceResult(instance);
  }

  searchIncidents(request: IncidentSearch, scope: InstanceScope) {
    return searchIncidents(this.deps.engine, request, within(scope));
  }

  async getIncident(incidentKey: string) {
    const incident = await this.deps.engine.getIncident(incidentKey);
    return incident && toIncidentResult(incident);
  }

  searchJobs(request: JobSearch, scope: InstanceScope) {
    return searchJobs(this.deps, request, within(scope));
  }
}
