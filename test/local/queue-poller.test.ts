import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQS_CLIENT_CONFIG } from '#commons/clients.ts';
import { type Emulator, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulator-process.ts';
import { abandonInvocations, acceptInvocations } from '../../local/lambda-runtime.ts';
import { startQueuePoller } from '../../local/queue-poller.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';
import { eventually } from '../helpers/api-client.ts';

/** The embedded event source mapping against fauxqs: partial failures are retried, poison goes to the DLQ. */
let emulator: Emulator;
let sqs: SQSClient;
let queueCount = 0;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = new SQSClient({
    ...SQS_CLIENT_CONFIG,
    endpoint: emulator.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(async () => {
  sqs.destroy();
  await emulator.stop();
});

async function fifoQueuePair(maxReceiveCount: number) {
  const name = `test-${queueCount++}`;
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'true' };
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: fifo }));
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        ...fifo,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl as string, dlqUrl: dlq.QueueUrl as string };
}

function poll(queueUrl: string, handler: (event: SQSEvent) => SQSBatchResponse) {
  return startQueuePoller({
    sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:test.fifo',
    handler: async (event) => handler(event as SQSEvent),
    functionName: 'Test',
    batchSize: 5,
    concurrency: 2,
    retryDelaySeconds: 0,
    timeoutMs: 10_000,
  });
}

describe('queue poller', () => {
  it('delivers real SQS records, deletes successes and redelivers reported failures', async () => {
    // Prepare
    const { queueUrl } = await fifoQueuePair(5);
    for (const body of ['ok', 'flaky']) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageGroupId: body }));
    }
    const deliveries: { body: string; receiveCount: string; group?: string }[] = [];
    // Act: "flaky" fails on its first delivery only.
    const poller = poll(queueUrl, (event) => {
      const failures = [];
      for (const record of event.Records) {
        deliveries.push({
          body: record.body,
          receiveCount: record.attributes.ApproximateReceiveCount,
          group: record.attributes.MessageGroupId,
        });
        if (record.body === 'flaky' && record.attributes.ApproximateReceiveCount === '1')
          failures.push({ itemIdentifier: record.messageId });
      }
      return { batchItemFailures: failures };
    });
    // Both messages deleted (none waiting, none in flight): nothing can be delivered any more.
    await eventually(
      async () => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const left =
          Number(Attributes?.ApproximateNumberOfMessages) +
          Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
        return left === 0 ? true : undefined;
      },
      () => JSON.stringify(deliveries),
    );
    await poller.stop();
    // Assess
    expect(deliveries.filter((d) => d.body === 'ok')).toEqual([
      { body: 'ok', receiveCount: '1', group: 'ok' },
    ]);
    expect(deliveries.filter((d) => d.body === 'flaky').map((d) => d.receiveCount)).toEqual(['1', '2']);
  });

  it('moves a message that keeps failing to the dead-letter queue after the maximum receives', async () => {
    // Prepare
    const { queueUrl, dlqUrl } = await fifoQueuePair(2);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison', MessageGroupId: 'g' }),
    );
    let attempts = 0;
    // Act
    const poller = poll(queueUrl, (event) => {
      attempts += event.Records.length;
      throw new Error('always fails');
    });
    const dead = await eventually(
      async () => {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }),
        );
        return Messages?.[0];
      },
      () => `attempts so far: ${attempts}`,
    );
    await poller.stop();
    // Assess
    expect(dead.Body).toBe('poison');
    expect(attempts).toBe(2);
  });

  it('invokes nothing once the runtime is stopping: gives a received message back at once and receives no more', async () => {
    // Prepare: the runtime begins stopping while the poller's receive is in flight (its own client's
    // middleware), and the client records what it receives.
    const { queueUrl } = await fifoQueuePair(5);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'late', MessageGroupId: 'g' }));
    const pollerSqs = new SQSClient({
      ...SQS_CLIENT_CONFIG,
      endpoint: emulator.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    let received = 0;
    pollerSqs.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'ReceiveMessageCommand') {
          abandonInvocations();
          received += ((result.output as { Messages?: unknown[] }).Messages ?? []).length;
        }
        return result;
      },
      { step: 'initialize' },
    );
    let invocations = 0;
    try {
      // Act
      const poller = startQueuePoller({
        sqs: pollerSqs,
        queueUrl,
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:test.fifo',
        handler: () => {
          invocations++;
          return Promise.resolve({ batchItemFailures: [] });
        },
        functionName: 'Test',
        batchSize: 5,
        concurrency: 1,
        retryDelaySeconds: 60,
        timeoutMs: 10_000,
      });
      await eventually(
        async () => (received > 0 ? true : undefined),
        () => 'the poller received nothing',
      );
      await poller.stop();
    } finally {
      acceptInvocations();
      pollerSqs.destroy();
    }
    // Assess: not invoked, not deleted, visible again at once (not after the 60 s retry delay), and
    // received by the poller once only (a loop of receives would move it to the dead-letter queue).
    expect(invocations).toBe(0);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(Messages.map((message) => message.Body)).toEqual(['late']);
    expect(Messages[0].Attributes?.ApproximateReceiveCount).toBe('2');
  });
});
