import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Emulator, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulatorProcess } from './emulator-process.ts';

/** Starts the fauxqs SQS emulator as a child process on a free loopback port. */
export function startSqsEmulator(): Promise<Emulator> {
  return startEmulatorProcess('fauxqs (SQS emulator)', './fauxqs-process.ts', [], async (endpoint) => {
    const client = new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      await client.send(new ListQueuesCommand({}));
    } finally {
      client.destroy();
    }
  });
}
