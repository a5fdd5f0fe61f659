import { describe, expect, it } from 'vitest';
import { camunda8ConnectionFromEnvironment } from '#adapters/camunda8/camunda8-config.ts';

const OAUTH_CLUSTER = {
  CAMUNDA_REST_ADDRESS: 'https://cluster.example',
  CAMUNDA_AUTH_STRATEGY: 'OAUTH',
  CAMUNDA_CLIENT_ID: 'batchops',
  CAMUNDA_CLIENT_SECRET: 's3cret',
  CAMUNDA_OAUTH_URL: 'https://login.example/oauth/token',
  CAMUNDA_SDK_BACKPRESSURE_PROFILE: 'CONSERVATIVE',
  CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: '6',
};

describe('the Camunda 8 connection from the environment', () => {
  it('takes OAuth client credentials and hands every CAMUNDA_ variable to the client', () => {
    const connection = camunda8ConnectionFromEnvironment({ ...OAUTH_CLUSTER, PORT: '8080' });

    expect(connection).toEqual({
      authStrategy: 'OAUTH',
      restAddress: 'https://cluster.example',
      clientEnv: OAUTH_CLUSTER,
    });
  });

  it('defaults the strategy to NONE, as the client does', () => {
    expect(
      camunda8ConnectionFromEnvironment({ CAMUNDA_REST_ADDRESS: 'http://127.0.0.1:8088' }).authStrategy,
    ).toBe('NONE');
  });

  it('names each missing credential of the chosen strategy', () => {
    expect(() =>
      camunda8ConnectionFromEnvironment({
        CAMUNDA_REST_ADDRESS: 'https://cluster.example',
        CAMUNDA_AUTH_STRATEGY: 'OAUTH',
        CAMUNDA_CLIENT_ID: 'batchops',
      }),
    ).toThrow(/CAMUNDA_CLIENT_SECRET \(OAUTH\) is required/);
    expect(() =>
      camunda8ConnectionFromEnvironment({
        CAMUNDA_REST_ADDRESS: 'https://cluster.example',
        CAMUNDA_AUTH_STRATEGY: 'BASIC',
        CAMUNDA_BASIC_AUTH_USERNAME: 'demo',
      }),
    ).toThrow(/CAMUNDA_BASIC_AUTH_PASSWORD \(BASIC\) is required/);
  });

  it('refuses an address that is not a URL and an unknown strategy', () => {
    expect(() => camunda8ConnectionFromEnvironment({ CAMUNDA_REST_ADDRESS: 'cluster' })).toThrow(
      /CAMUNDA_REST_ADDRESS must be the URL of the cluster/,
    );
    expect(() =>
      camunda8ConnectionFromEnvironment({
        CAMUNDA_REST_ADDRESS: 'https://cluster.example',
        CAMUNDA_AUTH_STRATEGY: 'KERBEROS',
      }),
    ).toThrow(/CAMUNDA_AUTH_STRATEGY/);
  });
});
