import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import createCamundaClient from '@camunda8/orchestration-cluster-api';
import { stopChild, waitUntilReady } from '../../local/child-process.ts';
import { freePort } from '../../local/free-port.ts';
import { bpmnFile } from './camunda-sdk.ts';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/** The user the adapter under test signs in as, apart from `demo` who seeds (so the two never share a rate limit). */
export const ADAPTER_USER = { username: 'batchops', password: 'batchops-secret' } as const;

/**
 * How long a target may take to start: the CDK synthesis and DynamoDB Local's JVM on a machine that
 * six developers share (local/child-process.ts: 30 s were seen for the JVM alone).
 */
const START_TIMEOUT_MS = 240_000;
/** How long a stopping target may finish its work in flight before it is killed (the runtime waits at most 15 s). */
const STOP_GRACE_MS = 30_000;

/**
 * A second embedded runtime as "the Camunda 8 cluster" of a test: `node --import tsx bin/start.ts` in a
 * child process (the runtime's configuration and services are per process) on a free 127.0.0.1 port
 * with a DATA_DIR of its own, so it can be stopped and started again on the same data. Users: `demo`
 * (seeds, through `seeder`) and ADAPTER_USER, both administrators.
 */
export class Camunda8Target {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts a target with the given extra environment (e.g. API_RATE_LIMIT_PER_SECOND) and waits until it is ready. */
  static async start(env: Record<string, string> = {}): Promise<Camunda8Target> {
    const target = new Camunda8Target(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'batch-operations-camunda8-target-')),
      env,
    );
    await target.restart();
    return target;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
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

  /** Starts the runtime (again) on the same port and DATA_DIR and waits until its readiness answers 200. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('The target is running already');
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        PORT: String(this.port),
        DATA_DIR: this.dataDir,
        SHARD_COUNT: '2',
        LOG_LEVEL: 'ERROR',
        // The target is the cluster itself, whatever a service under test in this process set.
        ENGINE: 'builtin',
        AUTH_USERS: `demo:demo,${ADAPTER_USER.username}:${ADAPTER_USER.password}`,
        AUTH_ADMIN_USERS: `demo,${ADAPTER_USER.username}`,
        ...this.env,
      },
    });
    this.child = child;
    let errors = '';
    child.stderr?.on('data', (data: Buffer) => {
      errors = (errors + data.toString()).slice(-4000);
    });
    try {
      await waitUntilReady(
        'The Camunda 8 target',
        async () => {
          const response = await fetch(`${this.url}/v2/extensions/health/readiness`);
          if (response.status !== 200) throw new Error(`readiness answered ${response.status}`);
        },
        START_TIMEOUT_MS,
        () => (child.exitCode === null ? undefined : `it exited with ${child.exitCode}`),
      );
    } catch (error) {
      await this.stop();
      throw new Error(`${(error as Error).message} (its last output: ${errors})`);
    }
  }

  /** Stops the runtime in order (SIGTERM), keeping its DATA_DIR for a restart. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await stopChild(child, STOP_GRACE_MS);
  }

  /** Stops the runtime and removes its data. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
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
