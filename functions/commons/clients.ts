import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readConfig } from './config.ts';
import { traced } from './tracer.ts';

/**
 * AWS clients, created once per process. The SDK reads `AWS_ENDPOINT_URL` (and the per-service
 * `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`, ...) by itself, which is how the embedded
 * runtime and LocalStack point them at emulators.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let sfnClient: SFNClient | undefined;

/** An SDK plugin (its `applyToStack` adds middleware), structurally typed so one fits every client. */
export interface ClientPlugin {
  applyToStack(stack: unknown): void;
}
const plugins: ClientPlugin[] = [];

/**
 * Adds a plugin to every client made here, now and later; none by default. The benchmark counts
 * AWS requests with it.
 */
export function addClientPlugin(plugin: ClientPlugin): void {
  plugins.push(plugin);
  for (const client of [documentClient, sqsClient, sfnClient]) client?.middlewareStack.use(plugin);
}

/** A client with the plugins added so far (for clients made outside this module, e.g. the local poller's). */
export function withClientPlugins<T extends { middlewareStack: { use(plugin: ClientPlugin): void } }>(
  client: T,
): T {
  for (const plugin of plugins) client.middlewareStack.use(plugin);
  return client;
}

/** Sockets a process keeps for requests besides the workers' (API handlers, phase tasks, the batch watch). */
const OTHER_SOCKETS = 50;

/**
 * The DynamoDB requests one process may have in flight. The SDK's HTTP agent allows 50 sockets by
 * default and queues the rest, so the configured concurrency would be a fiction beyond it: every
 * shard's worker may run in this process (the embedded runtime), each with WORKER_CONCURRENCY
 * requests in flight (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html).
 */
export function dynamoMaxSockets(config = readConfig()): number {
  return config.SHARD_COUNT * config.WORKER_CONCURRENCY + OTHER_SOCKETS;
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  if (documentClient) return documentClient;
  const maxSockets = dynamoMaxSockets();
  documentClient = DynamoDBDocumentClient.from(
    withClientPlugins(
      traced(
        new DynamoDBClient({
          maxAttempts: 8,
          requestHandler: { httpAgent: { maxSockets }, httpsAgent: { maxSockets } },
        }),
      ),
    ),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  return documentClient;
}

/** Requests go to the configured endpoint, not the host inside a queue URL (emulators' URLs are not resolvable). */
export const SQS_CLIENT_CONFIG = { useQueueUrlAsEndpoint: false };

export function sqs(): SQSClient {
  sqsClient ??= withClientPlugins(traced(new SQSClient(SQS_CLIENT_CONFIG)));
  return sqsClient;
}

export function stepFunctions(): SFNClient {
  sfnClient ??= withClientPlugins(traced(new SFNClient({})));
  return sfnClient;
}

let schedulerClient: SchedulerClient | undefined;

export function scheduler(): SchedulerClient {
  schedulerClient ??= withClientPlugins(traced(new SchedulerClient({})));
  return schedulerClient;
}
