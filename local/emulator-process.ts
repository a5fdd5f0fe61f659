import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild, waitUntilReady } from './child-process.ts';
import { freePort } from './free-port.ts';

export interface Emulator {
  readonly endpoint: string;
  stop(): Promise<void>;
  /**
   * For a forced stop: signals the emulator without waiting for it. SIGTERM, not SIGKILL, so that
   * DynamoDB Local's guardian still takes Java down with it (a SIGKILLed guardian would orphan Java,
   * which would go on holding the data directory).
   */
  kill(): void;
}

/** Credentials the emulators accept; never real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

/**
 * Credentials of one namespace on emulators shared by several runtimes: DynamoDB Local started with a
 * database per access key gives the namespace a database of its own.
 */
export function namespaceCredentials(namespace: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: namespace, secretAccessKey: namespace };
}

/**
 * Starts an emulator script of this folder as a child process on a free loopback port (passed as its
 * first argument) and waits until `probe(endpoint)` answers. The IPC channel makes the child end by
 * itself if this process dies without stopping it. The child stays in this process group (so a
 * signal to the group reaches it) but ignores SIGINT: Ctrl-C goes to the whole group, and the
 * runtime stops its emulators itself, after the work in flight.
 */
export async function startEmulatorProcess(
  name: string,
  script: string,
  args: readonly string[],
  probe: (endpoint: string) => Promise<unknown>,
): Promise<Emulator> {
  const port = await freePort();
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [String(port), ...args], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(name, () => probe(endpoint));
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    endpoint,
    stop: () => stopChild(child),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/**
 * Points every AWS SDK client this process creates afterwards at the emulators, through the SDK's
 * own per-service endpoint variables, with local credentials (by default the same for every runtime).
 */
export function pointSdkAt(
  endpoints: { dynamodb?: string; sqs?: string; sfn?: string },
  credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_CREDENTIALS,
): void {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(endpoints.dynamodb ? { AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb } : {}),
    ...(endpoints.sqs ? { AWS_ENDPOINT_URL_SQS: endpoints.sqs } : {}),
    ...(endpoints.sfn ? { AWS_ENDPOINT_URL_SFN: endpoints.sfn } : {}),
  });
}
