import { type InstanceScope, isInScope } from '#domain/authorization/permissions.ts';
import { toIncidentResult } from '#domain/incident/incident.ts';
import { type IncidentSearch, searchIncidents } from '#domain/incident/search-incidents.ts';
import { callHierarchyOf } from '#domain/instance/call-hierarchy.ts';
import { flowNodesOf, sequenceFlowsOf } from '#domain/instance/definition-flow.ts';
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
import { takenSequenceFlows } from '#domain/instance/taken-sequence-flows.ts';
import {
  parseVariableKey,
  searchVariables,
  type VariableSearch,
  variableOf,
} from '#domain/instance/variables.ts';
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

  async processInstanceElementStatistics(processInstanceKey: string) {
    const counter = new ElementCounter();
    const instance = await this.deps.instances.getInstance(processInstanceKey);
    if (instance) counter.add(instance);
    return counter.result();
  }

  async processInstanceSequenceFlows(processInstanceKey: string) {
    const instance = await this.deps.instances.getInstance(processInstanceKey);
    const definition = instance && (await this.deps.definitions.getDefinition(instance.processDefinitionKey));
    // A definition that is gone (deleted resources) leaves no flow ids to name.
    if (!instance || !definition) return { items: [] };
    const taken = takenSequenceFlows(
      instance,
      await flowNodesOf(definition),
      await sequenceFlowsOf(definition),
    );
    return {
      items: taken.map((flow) => ({
        sequenceFlowId: flow.id,
        processInstanceKey: instance.processInstanceKey,
        // The store keeps an instance's parent, not the root of its call hierarchy (as incidents).
        rootProcessInstanceKey: null,
        processDefinitionKey: instance.processDefinitionKey,
        processDefinitionId: instance.processDefinitionId,
        elementId: flow.id,
        tenantId: instance.tenantId,
      })),
    };
  }

  async processInstanceCallHierarchy(processInstanceKey: string) {
    const instance = await this.deps.instances.getInstance(processInstanceKey);
    return instance ? await callHierarchyOf(this.deps.instances, instance) : [];
  }

  searchVariables(request: VariableSearch, scope: InstanceScope, truncateValues: boolean) {
    return searchVariables(this.deps.instances, this.deps.shardCount, request, truncateValues, within(scope));
  }

  async getVariable(variableKey: string) {
    const named = parseVariableKey(variableKey);
    const instance = named && (await this.deps.instances.getInstance(named.processInstanceKey));
    return instance ? variableOf(instance, variableKey) : undefined;
  }
}
