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
    /** A PutItem's record (an engine step's single write, e.g. a job's new revision). */
    Item?: Record<string, unknown>;
    ExpressionAttributeValues?: Record<string, unknown>;
    /** A PartiQL batch (BatchExecuteStatement): the worker's batched instance writes. */
    Statements?: { Statement: string; Parameters?: unknown[] }[];
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
  /**
   * Fails before it is sent, above the SDK's retries: the caller sees the error, as after retries gave
   * up; with `after`, only once it settled (something the test makes happen while the caller waits).
   */
  | { kind: 'fail'; error: Error; after?: Promise<unknown> }
  /** Sent and applied, then the caller sees the error: a response lost, or the worker dying right after. */
  | { kind: 'lose-response'; error: Error }
  /** Held until `until` settles, then sent. */
  | { kind: 'hold'; until: Promise<void> }
  /**
   * A PartiQL batch whose statements `refuse` names (by their instance key) are not applied but
   * answered with that error code, as DynamoDB refuses one statement of a batch; the rest are sent.
   */
  | { kind: 'refuse-statements'; refuse: (processInstanceKey: string) => string | undefined };

export type FaultRule = (call: DynamoCall) => Fault | undefined;

export interface DynamoFaults {
  /** The rule every request goes through from now on; `undefined` lets everything pass. */
  use(rule: FaultRule | undefined): void;
  /**
   * Called after every request that succeeded on the wire (including those whose response was lost),
   * with its answer (document-client output).
   */
  onSuccess(listener: ((call: DynamoCall, output: unknown) => void) | undefined): void;
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
  let listener: ((call: DynamoCall, output: unknown) => void) | undefined;
  let throttled = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call: DynamoCall = {
        operation: String(context.commandName ?? '').replace(/Command$/, ''),
        input: args.input as DynamoCall['input'],
      };
      const fault = rule?.(call);
      if (fault?.kind === 'fail') {
        await fault.after;
        throw fault.error;
      }
      if (fault?.kind === 'hold') await fault.until;
      if (fault?.kind === 'throttled') (context as PlannedContext)[PLAN] = { throttlesLeft: fault.times };
      const result =
        fault?.kind === 'refuse-statements'
          ? ((await refusing(call, fault.refuse, next as Next, args)) as Awaited<ReturnType<typeof next>>)
          : await next(args);
      listener?.(call, result.output);
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

type Next = (args: { input: object }) => Promise<{ output: unknown; response: unknown }>;

/** Sends the statements not refused and answers the refused ones with their error, in order. */
async function refusing(
  call: DynamoCall,
  refuse: (processInstanceKey: string) => string | undefined,
  next: Next,
  args: { input: object },
) {
  const statements = call.input.Statements ?? [];
  const codes = statements.map((statement) => refuse(statementInstanceKey(statement)));
  const sent = statements.filter((_, index) => !codes[index]);
  const result =
    sent.length > 0
      ? await next({ ...args, input: { ...args.input, Statements: sent } })
      : { output: { Responses: [], $metadata: {} }, response: undefined };
  const answered = [...((result.output as BatchOutput).Responses ?? [])];
  const Responses = codes.map((Code) =>
    Code ? { Error: { Code, Message: `Statement refused with ${Code} (injected)` } } : answered.shift(),
  );
  return { ...result, output: { ...(result.output as object), Responses } };
}

type BatchOutput = { Responses?: { Error?: { Code?: string } }[] };

/** The instance key a PartiQL statement names in `WHERE "processInstanceKey" = ?`. */
function statementInstanceKey({ Statement, Parameters = [] }: { Statement: string; Parameters?: unknown[] }) {
  const before = Statement.slice(0, Statement.indexOf('"processInstanceKey" = ?'));
  return String(Parameters[before.split('?').length - 1]);
}

/** The instance keys a request names: an UpdateItem's key, or each statement's of a PartiQL batch. */
export function instanceKeysOf(call: DynamoCall): string[] {
  if (call.operation === 'UpdateItem') return [String(call.input.Key?.processInstanceKey)];
  if (call.operation === 'BatchExecuteStatement')
    return (call.input.Statements ?? []).map(statementInstanceKey);
  return [];
}

/** The instance keys a request that succeeded on the wire actually changed (statements not refused). */
export function changedInstanceKeys(call: DynamoCall, output: unknown): string[] {
  if (call.operation !== 'BatchExecuteStatement') return instanceKeysOf(call);
  const responses = (output as BatchOutput).Responses ?? [];
  return instanceKeysOf(call).filter((_, index) => !responses[index]?.Error);
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

/**
 * Fails the worker's first recording of a chunk's outcomes in the items table (as a worker killed
 * after every item of the chunk was sent), so that the chunk comes again; `lost` counts the failures.
 */
export function firstChunkRecordingLost(itemsTable: string): { rule: FaultRule; readonly lost: number } {
  let lost = 0;
  return {
    rule: (call) => {
      const recording =
        call.operation === 'TransactWriteItems' &&
        call.input.TransactItems?.[0]?.Update?.TableName === itemsTable;
      if (!recording || lost > 0) return undefined;
      lost++;
      return { kind: 'fail', error: workerKilled() };
    },
    get lost() {
      return lost;
    },
  };
}
