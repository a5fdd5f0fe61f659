import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChildServer } from '../../local/child-process.ts';
import { freePort } from '../../local/free-port.ts';

/** The Maven module of the test engine: Operaton's REST starter on Spring Boot with H2 (its pom.xml says what). */
const MODULE_DIR = resolve(import.meta.dirname, '../engines/operaton');
const JAR = join(MODULE_DIR, 'target/operaton-test-engine.jar');
/** The engine's user (application.yaml: the admin user Operaton creates at its first start). */
export const OPERATON_USER = { username: 'demo', password: 'demo' } as const;
/** A JVM with Spring Boot and the engine takes 20 s alone and over a minute on a shared, loaded 2-core machine. */
const START_TIMEOUT_MS = 240_000;
/** A Spring Boot application stops within a few seconds on SIGTERM. */
const STOP_GRACE_MS = 15_000;

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/**
 * Builds the test engine's jar with Maven unless it is newer than its sources (the test suite's global
 * setup calls it once). Fails with what to do when Maven is missing or the build fails.
 */
export function buildOperatonEngineIfNeeded(): void {
  const sources = Math.max(newestChange(join(MODULE_DIR, 'pom.xml')), newestChange(join(MODULE_DIR, 'src')));
  if (existsSync(JAR) && statSync(JAR).mtimeMs > sources) return;
  try {
    execFileSync('mvn', ['-q', '-B', '-DskipTests', 'package'], { cwd: MODULE_DIR, stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr, code } = error as { stdout?: Buffer; stderr?: Buffer; code?: string };
    if (code === 'ENOENT') {
      throw new Error(
        'Maven (mvn) is not on the PATH: the Operaton test engine needs it (apt-get install maven)',
      );
    }
    throw new Error(
      `The Operaton test engine did not build (mvn -q -DskipTests package in ${MODULE_DIR}): ${`${stdout ?? ''}${stderr ?? ''}`.slice(-4000)}`,
    );
  }
}

export interface DeployedProcess {
  /** The process definition's id (`c7-review:1:<uuid>`). */
  id: string;
  /** Camunda 7's definition key: the BPMN process id. */
  key: string;
}

/**
 * An Operaton engine for one test file: the jar built by the global setup, started in a child process
 * bound to 127.0.0.1 on a free port with Basic auth on. In-memory H2 by default; `persistent` keeps the
 * database in a file so that a restart finds its data again.
 */
export class OperatonEngine {
  private readonly server = new ChildServer('The Operaton engine', STOP_GRACE_MS);

  private constructor(
    readonly port: number,
    private readonly dataDir: string | undefined,
  ) {}

  static async start(options: { persistent?: boolean } = {}): Promise<OperatonEngine> {
    const dataDir = options.persistent
      ? mkdtempSync(join(tmpdir(), 'batch-operations-operaton-'))
      : undefined;
    const engine = new OperatonEngine(await freePort(), dataDir);
    await engine.restart();
    return engine;
  }

  /** The REST API's base, as CAMUNDA7_REST_URL takes it. */
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}/engine-rest`;
  }

  /** The environment of a service driving this engine (ENGINE=camunda7). */
  environment(password: string = OPERATON_USER.password): Record<string, string> {
    return {
      CAMUNDA7_REST_URL: this.restUrl,
      CAMUNDA7_USERNAME: OPERATON_USER.username,
      CAMUNDA7_PASSWORD: password,
    };
  }

  /** Starts the engine (again, on the same port and database file) and waits until its REST API answers. */
  async restart(): Promise<void> {
    if (!existsSync(JAR)) throw new Error(`${JAR} is missing: the test suite's global setup builds it`);
    const args = [
      // The engine's start is mostly class loading and startup code: C1 alone starts it sooner.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-jar',
      JAR,
      `--server.port=${this.port}`,
      ...(this.dataDir
        ? [`--spring.datasource.url=jdbc:h2:file:${join(this.dataDir, 'engine')};DB_CLOSE_ON_EXIT=FALSE`]
        : []),
    ];
    await this.server.start(
      () => spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] }),
      async () => {
        const response = await this.fetch('GET', '/engine');
        if (response.status !== 200) throw new Error(`GET /engine answered ${response.status}`);
      },
      START_TIMEOUT_MS,
    );
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Stops the engine and removes its database file. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A call of the REST API as the engine's user; throws with the engine's answer unless it is a 2xx. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(method, path, body);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Deploys a BPMN file of test/fixtures as the process `key` (its process id, `c7-review`, replaced). */
  async deploy(fixture: string, key: string): Promise<DeployedProcess> {
    const xml = readFileSync(resolve(import.meta.dirname, '../fixtures', fixture), 'utf8').replaceAll(
      /id="c7-review"/g,
      `id="${key}"`,
    );
    const form = new FormData();
    form.append('deployment-name', key);
    form.append('data', new Blob([xml], { type: 'application/xml' }), `${key}.bpmn`);
    const response = await fetch(`${this.restUrl}/deployment/create`, {
      method: 'POST',
      headers: { authorization: this.authorization() },
      body: form,
    });
    const deployment = (await response.json()) as {
      deployedProcessDefinitions?: Record<string, { id: string; key: string }>;
    };
    const definition = Object.values(deployment.deployedProcessDefinitions ?? {})[0];
    if (!response.ok || !definition)
      throw new Error(`Deploying ${key} failed: ${JSON.stringify(deployment)}`);
    return { id: definition.id, key: definition.key };
  }

  /** Starts `count` instances of the process `key` with a business key each (`<key>-<n>`); their ids in order. */
  async startInstances(
    key: string,
    count: number,
    variables: Record<string, string> = {},
  ): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) {
      const started = await this.call<{ id: string }>('POST', `/process-definition/key/${key}/start`, {
        businessKey: `${key}-${i}`,
        variables: Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [name, { value, type: 'String' }]),
        ),
      });
      ids.push(started.id);
    }
    return ids;
  }

  /** Opens an incident of a custom type (`review-failed`) on the instance's execution at the activity. */
  async createIncident(processInstanceId: string, activityId: string, message: string): Promise<void> {
    const [execution] = await this.call<{ id: string }[]>('POST', '/execution', {
      processInstanceId,
      activityId,
    });
    await this.call('POST', `/execution/${execution.id}/create-incident`, {
      incidentType: 'review-failed',
      message,
    });
  }

  private fetch(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.restUrl}${path}`, {
      method,
      headers: {
        authorization: this.authorization(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  private authorization(): string {
    return `Basic ${Buffer.from(`${OPERATON_USER.username}:${OPERATON_USER.password}`).toString('base64')}`;
  }
}
