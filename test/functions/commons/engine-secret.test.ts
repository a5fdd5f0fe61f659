import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEngineSecret } from '#commons/engine-secret.ts';
import { SecretsManagerEmulator } from '../../helpers/secrets-manager.ts';

let emulator: SecretsManagerEmulator;
const provider = () => new SecretsProvider({ awsSdkV3Client: emulator.client() });

beforeAll(async () => {
  emulator = await SecretsManagerEmulator.start();
  await emulator.createSecret('batchops/cluster', 'cluster-secret');
});
afterAll(() => emulator?.stop());

describe("the engine's secret from Secrets Manager", () => {
  it('fills the variable the configured engine reads its secret from', async () => {
    const secretId = 'batchops/cluster';
    expect(
      await readEngineSecret(
        { ENGINE: 'camunda8', CAMUNDA_AUTH_STRATEGY: 'OAUTH', ENGINE_SECRET_ID: secretId },
        provider,
      ),
    ).toEqual({ CAMUNDA_CLIENT_SECRET: 'cluster-secret' });
    expect(
      await readEngineSecret(
        { ENGINE: 'camunda8', CAMUNDA_AUTH_STRATEGY: 'BASIC', ENGINE_SECRET_ID: secretId },
        provider,
      ),
    ).toEqual({ CAMUNDA_BASIC_AUTH_PASSWORD: 'cluster-secret' });
    expect(await readEngineSecret({ ENGINE: 'camunda7', ENGINE_SECRET_ID: secretId }, provider)).toEqual({
      CAMUNDA7_PASSWORD: 'cluster-secret',
    });
  });

  it('reads nothing without ENGINE_SECRET_ID (the embedded run sets the variable itself)', async () => {
    expect(await readEngineSecret({ ENGINE: 'camunda8', CAMUNDA_AUTH_STRATEGY: 'BASIC' }, provider)).toEqual(
      {},
    );
  });

  it('refuses a secret the engine takes none of, and names a secret that does not exist', async () => {
    await expect(
      readEngineSecret({ ENGINE: 'camunda8', ENGINE_SECRET_ID: 'batchops/cluster' }, provider),
    ).rejects.toThrow('CAMUNDA_AUTH_STRATEGY=NONE takes none');
    await expect(
      readEngineSecret(
        { ENGINE: 'camunda8', CAMUNDA_AUTH_STRATEGY: 'BASIC', ENGINE_SECRET_ID: 'batchops/missing' },
        provider,
      ),
    ).rejects.toThrow(/batchops\/missing|can't find the specified secret/i);
  });
});
