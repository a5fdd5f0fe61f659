import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './tracer.ts';

/**
 * AWS clients, created once per process. The SDK reads `AWS_ENDPOINT_URL` (and the per-service
 * `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`, ...) by itself, which is how the embedded
 * runtime and LocalStack point them at emulators.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let sfnClient: SFNClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 8 })),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  return documentClient;
}

/** Requests go to the configured endpoint, not the host inside a queue URL (emulators' URLs are not resolvable). */
export const SQS_CLIENT_CONFIG = { useQueueUrlAsEndpoint: false };

export function sqs(): SQSClient {
  sqsClient ??= tracer.captureAWSv3Client(new SQSClient(SQS_CLIENT_CONFIG));
  return sqsClient;
}

export function stepFunctions(): SFNClient {
  sfnClient ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfnClient;
}
