import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The variable an external engine's adapter reads its secret from: the OAuth client secret or the
 * Basic password of a Camunda 8 cluster, the password of a Camunda 7 engine's user.
 */
export function engineSecretVariable(env: Record<string, string | undefined>): string | undefined {
  if (env.ENGINE === 'camunda7') return 'CAMUNDA7_PASSWORD';
  if (env.ENGINE !== 'camunda8') return undefined;
  if (env.CAMUNDA_AUTH_STRATEGY === 'OAUTH') return 'CAMUNDA_CLIENT_SECRET';
  if (env.CAMUNDA_AUTH_STRATEGY === 'BASIC') return 'CAMUNDA_BASIC_AUTH_PASSWORD';
  return undefined;
}

/**
 * The engine's secret as the variable its adapter reads, from the Secrets Manager secret that
 * ENGINE_SECRET_ID names (on AWS the stack's parameter: the secret's value never sits in a function's
 * configuration); nothing without it (the embedded run sets the variable itself). The secret's value
 * is the secret as a string.
 */
export async function readEngineSecret(
  env: Record<string, string | undefined>,
  provider: () => SecretsProvider = () =>
    new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
): Promise<Record<string, string>> {
  const secretId = env.ENGINE_SECRET_ID;
  if (!secretId) return {};
  const variable = engineSecretVariable(env);
  if (!variable)
    throw new Error(
      `ENGINE_SECRET_ID names a secret, but ENGINE=${env.ENGINE ?? 'builtin'}${env.ENGINE === 'camunda8' ? ` with CAMUNDA_AUTH_STRATEGY=${env.CAMUNDA_AUTH_STRATEGY ?? 'NONE'}` : ''} takes none: set CAMUNDA_AUTH_STRATEGY to OAUTH or BASIC, or drop the secret`,
    );
  const value = await provider().get(secretId);
  if (typeof value !== 'string' || value === '')
    throw new Error(`The secret '${secretId}' (ENGINE_SECRET_ID) holds no string value for ${variable}`);
  return { [variable]: value };
}
