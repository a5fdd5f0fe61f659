import type { KeyGenerator } from '#ports/key-generator.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import { parseBpmn } from './bpmn.ts';
import { DEFAULT_TENANT_ID, type ProcessDefinition } from './process-definition.ts';

export interface DeploymentResource {
  name: string;
  content: string;
}

/**
 * Deploys BPMN resources as Camunda does: each executable process becomes a definition whose version
 * is one more than the latest of its id in the tenant, unless the XML is unchanged, in which case the
 * latest definition is returned again.
 */
export async function deployResources(
  deps: { definitions: ProcessDefinitionStore; keys: KeyGenerator },
  request: { resources: DeploymentResource[]; tenantId?: string },
) {
  if (request.resources.length === 0) {
    throw new InvalidArgumentError(
      'No resources: send at least one BPMN file as multipart field "resources"',
    );
  }
  const tenantId = request.tenantId || DEFAULT_TENANT_ID;
  const parsed = await Promise.all(
    request.resources.map(async (resource) => ({
      resource,
      processes: await parseBpmn(resource.content, resource.name),
    })),
  );
  const [deploymentKey] = await deps.keys.nextKeys(1);
  const deployments = [];
  for (const { resource, processes } of parsed) {
    for (const process of processes) {
      const latest = await deps.definitions.findDefinition(process.processDefinitionId, tenantId);
      let definition: ProcessDefinition;
      if (latest && latest.bpmnXml === resource.content) {
        definition = latest;
      } else {
        const [processDefinitionKey] = await deps.keys.nextKeys(1);
        definition = {
          processDefinitionKey,
          processDefinitionId: process.processDefinitionId,
          ...(process.name ? { name: process.name } : {}),
          version: (latest?.version ?? 0) + 1,
          tenantId,
          resourceName: resource.name,
          elementIds: process.elementIds,
          ...(process.initialElementId ? { initialElementId: process.initialElementId } : {}),
          flowNodes: process.flowNodes,
          bpmnXml: resource.content,
        };
        await deps.definitions.putDefinition(definition);
      }
      deployments.push({
        processDefinition: {
          processDefinitionId: definition.processDefinitionId,
          processDefinitionVersion: definition.version,
          resourceName: definition.resourceName,
          tenantId: definition.tenantId,
          processDefinitionKey: definition.processDefinitionKey,
        },
        // Camunda 8.9+ lists the other resource kinds of a deployment entry as null.
        decisionDefinition: null,
        decisionRequirements: null,
        form: null,
        resource: null,
      });
    }
  }
  return { deploymentKey, tenantId, deployments };
}
