import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { stopChild, waitUntilReady } from './child-process.ts';
import { type Emulator, LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.ts';
import { freePort } from './free-port.ts';

/** Starts the fauxqs SQS emulator as a child process on a free loopback port. */
export async function startSqsEmulator(): Promise<Emulator> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./fauxqs-process.ts', import.meta.url));
  // The IPC channel makes the child exit by itself if this process dies without stopping it.
  const child = fork(script, [String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await waitUntilReady('fauxqs (SQS emulator)', () => client.send(new ListQueuesCommand({})));
  } catch (error) {
    await stopChild(child);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop: () => stopChild(child) };
}
