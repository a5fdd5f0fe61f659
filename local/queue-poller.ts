import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#commons/logger.ts';
import { acceptingInvocations, invoke, type LambdaHandler } from './lambda-runtime.ts';

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: LambdaHandler;
  functionName: string;
  batchSize: number;
  /** Receive loops in parallel: like Lambda's concurrency on a FIFO queue, one per message group in flight. */
  concurrency: number;
  /** How soon a failed message is seen again here (on AWS: after the visibility timeout). */
  retryDelaySeconds: number;
  timeoutMs: number;
}

/**
 * The embedded runtime's Lambda event source mapping: long-polls the queue, invokes the handler with
 * a real SQS event, deletes what succeeded and returns the reported failures to the queue, whose
 * redrive policy moves them to the DLQ after the maximum receives, as on AWS.
 */
export function startQueuePoller(options: QueuePollerOptions): { stop(): Promise<void>; running(): boolean } {
  let running = true;
  const loop = async () => {
    // A stopping runtime starts no invocation: the loops end, as stop() would end them.
    while (running && acceptingInvocations()) {
      try {
        await pollOnce(options);
      } catch (error) {
        if (running) logger.error('Queue poll failed', { error });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);
  return {
    /** Receives no more messages and waits for the invocations in flight. */
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
    running: () => running,
  };
}

async function pollOnce(options: QueuePollerOptions): Promise<void> {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  if (Messages.length === 0) return;
  if (!acceptingInvocations()) {
    // The runtime began stopping during this receive: an invocation started now would have no time
    // left and fail at once. The messages go back to the queue untouched (received once more), for the
    // next start; the loop ends here rather than receive them again.
    await returnToQueue(options, Messages, 0);
    return;
  }
  const event: SQSEvent = { Records: Messages.map((message) => toRecord(message, options)) };
  let failedIds: Set<string>;
  try {
    const response = (await invoke(options.handler, event, options.functionName, options.timeoutMs)) as
      | SQSBatchResponse
      | undefined;
    failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch (error) {
    logger.error('Worker invocation failed', { error });
    failedIds = new Set(Messages.map((message) => message.MessageId as string));
  }
  const succeeded = Messages.filter((message) => !failedIds.has(message.MessageId as string));
  const failed = Messages.filter((message) => failedIds.has(message.MessageId as string));
  if (succeeded.length > 0) {
    await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: succeeded.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
  if (failed.length > 0) await returnToQueue(options, failed, options.retryDelaySeconds);
}

/** Makes messages visible again after `delaySeconds`, as Lambda does with a batch's failures. */
async function returnToQueue(
  options: QueuePollerOptions,
  messages: Message[],
  delaySeconds: number,
): Promise<void> {
  await options.sqs.send(
    new ChangeMessageVisibilityBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: messages.map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: delaySeconds,
      })),
    }),
  );
}

function toRecord(message: Message, options: QueuePollerOptions): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      MessageGroupId: attributes.MessageGroupId,
      MessageDeduplicationId: attributes.MessageDeduplicationId,
      SequenceNumber: attributes.SequenceNumber,
    },
    messageAttributes: {},
    md5OfBody:
      message.MD5OfBody ??
      createHash('md5')
        .update(message.Body ?? '')
        .digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: 'us-east-1',
  };
}
