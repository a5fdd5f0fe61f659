import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import createCamundaClient from '@camunda8/orchestration-cluster-api';
import createCamundaClient88 from 'camunda-sdk-8-8';

/** How the official client authenticates to the runtime: Basic with the embedded run's demo user, as against Camunda 8 Run. */
export const SDK_AUTH = {
  CAMUNDA_AUTH_STRATEGY: 'BASIC',
  CAMUNDA_BASIC_AUTH_USERNAME: 'demo',
  CAMUNDA_BASIC_AUTH_PASSWORD: 'demo',
} as const;

/**
 * The client's configuration for the runtime at `baseUrl` (its 127.0.0.1 address): only the given
 * variables, never the process environment, so it reaches nothing else (no OAuth token endpoint),
 * and one attempt per call so a refusal shows at once.
 */
function sdkConfig(baseUrl: string, validation: string) {
  return {
    CAMUNDA_REST_ADDRESS: baseUrl,
    ...SDK_AUTH,
    CAMUNDA_SDK_VALIDATION: validation,
    CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: 1,
    CAMUNDA_SDK_LOG_LEVEL: 'silent',
  };
}

/** The current client (Camunda 8.9 API) with strict response validation, as teams run it to catch drift. */
export function strictCamundaClient(baseUrl: string) {
  return createCamundaClient({ env: {}, config: sdkConfig(baseUrl, 'req:none,res:strict') as never });
}

/** The 8.8 client as its users run it: response validation off. */
export function camundaClient88(baseUrl: string) {
  return createCamundaClient88({ env: {}, config: sdkConfig(baseUrl, 'none') as never });
}

/** A BPMN fixture as the File the client's deployment takes, with the quoted names replaced as given. */
export function bpmnFile(fixture: string, renames: Record<string, string> = {}): File {
  let xml = readFileSync(resolve(import.meta.dirname, '../fixtures', fixture), 'utf8');
  for (const [from, to] of Object.entries(renames)) xml = xml.replaceAll(`"${from}"`, `"${to}"`);
  return new File([xml], fixture, { type: 'application/xml' });
}
