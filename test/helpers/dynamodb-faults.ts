import { DynamoDBServiceException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One DynamoDB request as the service made it (document-client input, before marshalling). */
export interface DynamoCall {
  /** The low-level operation, e.g. `UpdateItem`, `TransactWriteItems`, `Query`. */
  operation: string;
  input: {
    TableName?: string;
    IndexName?: string;
    Key?: Record<string, unknown>;
    ExpressionAttributeValues?: Record<string, unknown>;
    TransactItems?: {
      Update?: { TableName?: string; Key?: Record<string, unknown> };
      Put?: { TableName?: string; Item?: Record<string, unknown> };
    }[];
  };
}

/** What to do to one request. */
export type Fault =
  /** Throttled `times` times below the SDK's retry middleware: the SDK's own retries overcome it. */
  | { kind: 'throttled'; times: number }
  /** Fails before it is sent, above the SDK's retries: the caller sees the error, as after retries gave up. */
  | { kind: 'fail'; error: Error }
  /** Sent and applied, then the caller sees the error: a response lost, or the worker dying right after. */
  | { kind: 'lose-response'; error: Error }
  /** Held until `until` settles, then sent. */
  | { kind: 'hold'; until: Promise<void> };

export type FaultRule = (call: DynamoCall) => Fault | undefined;

export interface DynamoFaults {
  /** The rule every request goes through from now on; `undefined` lets everything pass. */
  use(rule: FaultRule | undefined): void;
  /** Called after every request that succeeded on the wire (including those whose response was lost). */
  onSuccess(listener: ((call: DynamoCall) => void) | undefined): void;
  /** Throttling errors thrown below the SDK's retries so far. */
  readonly throttled: number;
}

const PLAN = Symbol('faultPlan');
type PlannedContext = { [PLAN]?: { throttlesLeft: number } };

/**
 * Fault injection into the shared DynamoDB client through two SDK middlewares. The embedded runtime
 * runs every handler in this process, so the faults reach the service's own requests. The rule is
 * asked once per request (at the initialize step, before any retry); planned throttling is thrown at
 * the end of the finalize step, below the SDK's retry middleware, so that its retry strategy decides
 * about it exactly as it would about DynamoDB's answer.
 */
export function injectDynamoFaults(client: DynamoDBDocumentClient): DynamoFaults {
  let rule: FaultRule | undefined;
  let listener: ((call: DynamoCall) => void) | undefined;
  let throttled = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call: DynamoCall = {
        operation: String(context.commandName ?? '').replace(/Command$/, ''),
        input: args.input as DynamoCall['input'],
      };
      const fault = rule?.(call);
      if (fault?.kind === 'fail') throw fault.error;
      if (fault?.kind === 'hold') await fault.until;
      if (fault?.kind === 'throttled') (context as PlannedContext)[PLAN] = { throttlesLeft: fault.times };
      const result = await next(args);
      listener?.(call);
      if (fault?.kind === 'lose-response') throw fault.error;
      return result;
    },
    { step: 'initialize', priority: 'high', name: 'faultInjectionRule' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const plan = (context as PlannedContext)[PLAN];
      if (plan && plan.throttlesLeft > 0) {
        plan.throttlesLeft--;
        throttled++;
        throw throttlingError();
      }
      return await next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'faultInjectionThrottle' },
  );
  return {
    use: (next) => {
      rule = next;
    },
    onSuccess: (next) => {
      listener = next;
    },
    get throttled() {
      return throttled;
    },
  };
}

/** DynamoDB's answer to a throttled request, as the SDK classifies it (retryable, throttling). */
export function throttlingError(): Error {
  const error = new ThrottlingException({
    message: 'Throughput exceeds the current capacity of your table or index (injected)',
    $metadata: { httpStatusCode: 400 },
  });
  error.$retryable = { throttling: true };
  return error;
}

/** A permanent client error: neither the SDK nor the item provider retries it. */
export function validationError(message: string): Error {
  return new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

/** A failure with no answer at all, as when the worker is killed or times out mid-request. */
export function workerKilled(): Error {
  return new Error('Worker killed (injected)');
}
