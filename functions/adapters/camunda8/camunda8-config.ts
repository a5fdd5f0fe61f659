import createCamundaClient, { type CamundaClient } from '@camunda8/orchestration-cluster-api';
import { z } from 'zod';
import { BackpressurePace, pacedFetch } from './backpressure-pace.ts';
import { observingFetch } from './request-records.ts';

const required = (name: string) => z.string({ error: `${name} is required` }).min(1, `${name} is required`);

/**
 * The connection settings of a Camunda 8 cluster, under the names the official client reads, checked
 * here so that a missing one is named at start instead of on the first batch. Only the connection is
 * checked: the client's own tuning (CAMUNDA_SDK_HTTP_RETRY_*, CAMUNDA_SDK_BACKPRESSURE_*,
 * CAMUNDA_OAUTH_*, CAMUNDA_SDK_LOG_LEVEL, ...) is handed to it as given and read by it.
 */
export const camunda8ConfigSchema = z.discriminatedUnion('CAMUNDA_AUTH_STRATEGY', [
  z.object({
    CAMUNDA_REST_ADDRESS: z.url({ error: 'CAMUNDA_REST_ADDRESS must be the URL of the cluster' }),
    CAMUNDA_AUTH_STRATEGY: z.literal('OAUTH'),
    CAMUNDA_CLIENT_ID: required('CAMUNDA_CLIENT_ID (OAUTH)'),
    CAMUNDA_CLIENT_SECRET: required('CAMUNDA_CLIENT_SECRET (OAUTH)'),
    // Optional as in the client, whose default is Camunda SaaS's token endpoint.
    CAMUNDA_OAUTH_URL: z.url({ error: 'CAMUNDA_OAUTH_URL must be the URL of the token endpoint' }).optional(),
    CAMUNDA_TOKEN_AUDIENCE: z.string().min(1).optional(),
  }),
  z.object({
    CAMUNDA_REST_ADDRESS: z.url({ error: 'CAMUNDA_REST_ADDRESS must be the URL of the cluster' }),
    CAMUNDA_AUTH_STRATEGY: z.literal('BASIC'),
    CAMUNDA_BASIC_AUTH_USERNAME: required('CAMUNDA_BASIC_AUTH_USERNAME (BASIC)'),
    CAMUNDA_BASIC_AUTH_PASSWORD: required('CAMUNDA_BASIC_AUTH_PASSWORD (BASIC)'),
  }),
  z.object({
    CAMUNDA_REST_ADDRESS: z.url({ error: 'CAMUNDA_REST_ADDRESS must be the URL of the cluster' }),
    CAMUNDA_AUTH_STRATEGY: z.literal('NONE'),
  }),
]);

export interface Camunda8Connection {
  /** Every CAMUNDA_* variable of the environment, as the client reads them. */
  readonly clientEnv: Readonly<Record<string, string>>;
  readonly authStrategy: 'OAUTH' | 'BASIC' | 'NONE';
  readonly restAddress: string;
}

/**
 * The cluster's connection from the environment: throws naming every missing or invalid variable.
 * CAMUNDA_AUTH_STRATEGY defaults to NONE, as in the client.
 */
export function camunda8ConnectionFromEnvironment(
  env: Record<string, string | undefined>,
): Camunda8Connection {
  const clientEnv = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('CAMUNDA_') && entry[1] !== undefined,
    ),
  );
  const parsed = camunda8ConfigSchema.safeParse({ CAMUNDA_AUTH_STRATEGY: 'NONE', ...clientEnv });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.path.length > 0 && !issue.message.includes(String(issue.path[0]))
        ? `${String(issue.path[0])}: ${issue.message}`
        : issue.message,
    );
    throw new Error(`The Camunda 8 engine's configuration is invalid: ${problems.join('; ')}`);
  }
  return {
    clientEnv,
    authStrategy: parsed.data.CAMUNDA_AUTH_STRATEGY,
    restAddress: parsed.data.CAMUNDA_REST_ADDRESS,
  };
}

/**
 * The official client for the connection, reading its own settings from the given variables only
 * (never the process environment as a whole). Its logger is silent unless CAMUNDA_SDK_LOG_LEVEL asks:
 * the adapter reports what the cluster said through its results and errors. Its requests keep the
 * pace the cluster's backpressure sets (backpressure-pace.ts). `base` is the platform's fetch (a test
 * puts faults beneath the client there).
 */
export function camunda8Client(connection: Camunda8Connection, base: typeof fetch = fetch): CamundaClient {
  return createCamundaClient({
    env: { CAMUNDA_SDK_LOG_LEVEL: 'silent', ...connection.clientEnv },
    fetch: observingFetch(pacedFetch(base, new BackpressurePace())),
  });
}
