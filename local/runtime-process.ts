import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChildServer } from './child-process.ts';
import { freePort } from './free-port.ts';

const repositoryRoot = resolve(import.meta.dirname, '..');

/**
 * How long a runtime may take to start: the CDK synthesis and DynamoDB Local's JVM on a machine that
 * six developers share (child-process.ts: 30 s were seen for the JVM alone).
 */
const START_TIMEOUT_MS = 240_000;
/** How long a stopping runtime may finish its work in flight before it is killed (it waits at most 15 s). */
const STOP_GRACE_MS = 30_000;

/**
 * An embedded runtime as `npm start` runs it, in a child process (the runtime's configuration and
 * services are per process) on a free 127.0.0.1 port with a DATA_DIR of its own, so it can be stopped
 * and started again on the same data. A second runtime serving the Camunda 8 wire is "the cluster" of
 * the Camunda 8 adapter's tests and of its benchmark. It is the cluster itself (ENGINE=builtin),
 * whatever the parent process set, plus the given environment (users, API_RATE_LIMIT_PER_SECOND, ...).
 */
export class RuntimeProcess {
  private readonly server: ChildServer;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
    name: string,
  ) {
    this.server = new ChildServer(name, STOP_GRACE_MS);
  }

  /** Starts a runtime with the given extra environment and waits until it is ready; `name` names it in errors. */
  static async start(name: string, env: Record<string, string> = {}): Promise<RuntimeProcess> {
    const runtime = new RuntimeProcess(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'batch-operations-runtime-')),
      env,
      name,
    );
    await runtime.restart();
    return runtime;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The child's process id while it runs. */
  get pid(): number | undefined {
    return this.server.pid;
  }

  /** Starts the runtime (again) on the same port and DATA_DIR and waits until its readiness answers 200. */
  restart(): Promise<void> {
    return this.server.start(
      () => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
          cwd: repositoryRoot,
          // The IPC channel is only a lifeline: the runtime stops when this process goes (bin/start.ts).
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
          env: {
            ...process.env,
            PORT: String(this.port),
            DATA_DIR: this.dataDir,
            LOG_LEVEL: 'ERROR',
            ENGINE: 'builtin',
            ...this.env,
          },
        });
        // The channel alone keeps no parent waiting.
        child.channel?.unref();
        return child;
      },
      async () => {
        const response = await fetch(`${this.url}/v2/extensions/health/readiness`);
        if (response.status !== 200) throw new Error(`readiness answered ${response.status}`);
      },
      START_TIMEOUT_MS,
    );
  }

  /** Stops the runtime in order (SIGTERM), keeping its DATA_DIR for a restart. */
  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Stops the runtime and removes its data. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
