export const INCIDENT_STATES = ['ACTIVE', 'RESOLVED'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** An incident as Camunda 8's IncidentResult shows it; resolved ones are kept for search. */
export interface Incident {
  incidentKey: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  processInstanceKey: string;
  errorType: string;
  errorMessage: string;
  elementId: string;
  elementInstanceKey: string;
  creationTime: string;
  state: IncidentState;
  tenantId: string;
  jobKey?: string;
}

/** An incident as Camunda 8.10's IncidentResult shows it: absent values are null. */
export function toIncidentResult(incident: Incident) {
  return {
    ...incident,
    jobKey: incident.jobKey ?? null,
    // The store keeps an instance's parent, not the root of its call hierarchy.
    rootProcessInstanceKey: null,
  };
}

/** Java's String.hashCode, which Camunda exposes as the incident's error hash code. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (Math.imul(31, hash) + text.charCodeAt(index)) | 0;
  return hash;
}
