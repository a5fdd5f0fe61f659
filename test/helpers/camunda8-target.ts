import createCamundaClient from '@camunda8/orchestration-cluster-api';
import { RuntimeProcess } from '../../local/runtime-process.ts';
import { bpmnFile } from './camunda-sdk.ts';

/** The user the adapter under test signs in as, apart from `demo` who seeds (so the two never share a rate limit). */
export const ADAPTER_USER = { username: 'batchops', password: 'batchops-secret' } as const;

/**
 * A second embedded runtime as "the Camunda 8 cluster" of a test (local/runtime-process.ts: a child
 * process on its own port and DATA_DIR, so it can be stopped and started again on the same data).
 * Users: `demo` (seeds, through `seeder`) and ADAPTER_USER, both administrators.
 */
export class Camunda8Target {
  private constructor(private readonly runtime: RuntimeProcess) {}

  /** Starts a target with the given extra environment (e.g. API_RATE_LIMIT_PER_SECOND) and waits until it is ready. */
  static async start(env: Record<string, string> = {}): Promise<Camunda8Target> {
    return new Camunda8Target(
      await RuntimeProcess.start('The Camunda 8 target', {
        SHARD_COUNT: '2',
        AUTH_USERS: `demo:demo,${ADAPTER_USER.username}:${ADAPTER_USER.password}`,
        AUTH_ADMIN_USERS: `demo,${ADAPTER_USER.username}`,
        ...env,
      }),
    );
  }

  get url(): string {
    return this.runtime.url;
  }

  /** The official client as `demo`, strict on responses, retrying 429s (a throttled target still gets seeded). */
  seeder() {
    return createCamundaClient({
      env: {},
      config: {
        CAMUNDA_REST_ADDRESS: this.url,
        CAMUNDA_AUTH_STRATEGY: 'BASIC',
        CAMUNDA_BASIC_AUTH_USERNAME: 'demo',
        CAMUNDA_BASIC_AUTH_PASSWORD: 'demo',
        CAMUNDA_SDK_VALIDATION: 'req:none,res:strict',
        CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: 20,
        CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS: 1000,
        CAMUNDA_SDK_LOG_LEVEL: 'silent',
      } as never,
    });
  }

  /** The CAMUNDA_* environment of an adapter signing in to this target with Basic as ADAPTER_USER. */
  basicEnvironment(password: string = ADAPTER_USER.password): Record<string, string> {
    return {
      CAMUNDA_REST_ADDRESS: this.url,
      CAMUNDA_AUTH_STRATEGY: 'BASIC',
      CAMUNDA_BASIC_AUTH_USERNAME: ADAPTER_USER.username,
      CAMUNDA_BASIC_AUTH_PASSWORD: password,
    };
  }

  /** The same with OAuth client credentials at the target's own token issuer. */
  oauthEnvironment(secret: string = ADAPTER_USER.password): Record<string, string> {
    return {
      CAMUNDA_REST_ADDRESS: this.url,
      CAMUNDA_AUTH_STRATEGY: 'OAUTH',
      CAMUNDA_CLIENT_ID: ADAPTER_USER.username,
      CAMUNDA_CLIENT_SECRET: secret,
      CAMUNDA_OAUTH_URL: `${this.url}/v2/extensions/auth/token`,
      // One token request, so that refused credentials show at once.
      CAMUNDA_OAUTH_RETRY_MAX: '1',
    };
  }

  /** Starts the runtime (again) on the same port and DATA_DIR and waits until it is ready. */
  restart(): Promise<void> {
    return this.runtime.restart();
  }

  /** Stops the runtime in order (SIGTERM), keeping its DATA_DIR for a restart. */
  stop(): Promise<void> {
    return this.runtime.stop();
  }

  /** Stops the runtime and removes its data. */
  dispose(): Promise<void> {
    return this.runtime.dispose();
  }
}

type Seeder = ReturnType<Camunda8Target['seeder']>;

/**
 * Deploys the payment process (test/fixtures/e2e-payment.bpmn: one service task, job type
 * `<processId>-job`, 2 retries) as `processId` and starts `count` instances; their keys in order.
 */
export async function seedInstances(seeder: Seeder, processId: string, count: number): Promise<string[]> {
  const deployment = await accepted(() =>
    seeder.createDeployment({
      resources: [
        bpmnFile('e2e-payment.bpmn', { 'e2e-payment': processId, 'e2e-charge-card': `${processId}-job` }),
      ],
    }),
  );
  const { processDefinitionKey } = deployment.processes[0];
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await accepted(() => seeder.createProcessInstance({ processDefinitionKey }));
    keys.push(String(created.processInstanceKey));
  }
  return keys;
}

/**
 * A seeding or checking call, sent again while a throttled target answers 429 (its rate limit holds
 * for the seeder too, and the client's own retries may run out), until a deadline.
 */
export async function accepted<T>(call: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as { status?: unknown }).status !== 429 || Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}
