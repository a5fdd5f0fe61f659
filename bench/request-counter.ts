import type { ClientPlugin } from '#commons/clients.ts';

/** One API operation's tally: calls, attempts (with the SDK's retries) and DynamoDB capacity units. */
export interface OperationCount {
  requests: number;
  attempts: number;
  readUnits: number;
  writeUnits: number;
  /** SQS receives that brought no message (a poller's idle long polls): not driven by any message. */
  idle?: number;
}

/** Counts by `Service.Operation`, e.g. `DynamoDB.UpdateItem`. */
export type RequestCounts = Record<string, OperationCount>;

// The middleware stack's shape as far as this counter uses it (the SDK's types live in a transitive package).
interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}
interface MiddlewareArgs {
  input: Record<string, unknown>;
}
type Next = (args: MiddlewareArgs) => Promise<{ output: unknown }>;
interface MiddlewareStackLike {
  add(
    middleware: (next: Next, context: MiddlewareContext) => Next,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

// The document client's commands are named after what they wrap; bill by the DynamoDB API's names.
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};
/** DynamoDB operations that report the capacity they consumed when asked. */
const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'BatchExecuteStatement',
  'Query',
  'Scan',
]);
const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  // The worker's PartiQL batches are UPDATE statements only.
  'BatchExecuteStatement',
]);

export function isDynamoWrite(key: string): boolean {
  const [service, operation] = key.split('.');
  return service === 'DynamoDB' && WRITE_OPERATIONS.has(operation);
}

/**
 * Counts every AWS request the service's SDK clients make, as an SDK plugin: one middleware at the
 * start of the stack sees each call once, and the response's `$metadata.attempts` adds the retries.
 * DynamoDB calls are asked for their consumed capacity (`ReturnConsumedCapacity: TOTAL`), so read and
 * write units come from the emulator's own accounting rather than from an estimate of item sizes.
 */
export class RequestCounter {
  private counts: RequestCounts = {};

  readonly plugin: ClientPlugin = {
    applyToStack: (stack) => {
      // The plugin interface is structural (see ClientPlugin); every SDK v3 client's stack has `add`.
      (stack as MiddlewareStackLike).add((next, context) => (args) => this.count(next, context, args), {
        step: 'initialize',
        name: 'benchmarkRequestCounter',
        priority: 'high',
      });
    },
  };

  /**
   * The counts since the last reset, and a fresh start. A copy: calls still in flight (the poller's
   * long polls) finish into the old tallies, not into the window just closed.
   */
  take(): RequestCounts {
    const taken = structuredClone(this.counts);
    this.counts = {};
    return taken;
  }

  private async count(next: Next, context: MiddlewareContext, args: MiddlewareArgs) {
    const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
    const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    const operation = service === 'DynamoDB' ? (DOCUMENT_COMMANDS[command] ?? command) : command;
    const tally = this.tally(`${service}.${operation}`);
    tally.requests++;
    const asksCapacity = service === 'DynamoDB' && CAPACITY_OPERATIONS.has(operation);
    const input = asksCapacity ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
    try {
      const result = await next({ ...args, input });
      const output = result.output as {
        $metadata?: { attempts?: number };
        ConsumedCapacity?: unknown;
        Messages?: unknown[];
        Responses?: unknown[];
      };
      tally.attempts += output.$metadata?.attempts ?? 1;
      if (asksCapacity) addCapacity(tally, operation, output.ConsumedCapacity, output.Responses?.length);
      if (operation === 'ReceiveMessage' && !output.Messages?.length) tally.idle = (tally.idle ?? 0) + 1;
      return result;
    } catch (error) {
      tally.attempts += (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      // A refused conditional write is billed as a write of the item (1 unit per KB): count one unit.
      if (asksCapacity && WRITE_OPERATIONS.has(operation)) tally.writeUnits += 1;
      throw error;
    }
  }

  private tally(key: string): OperationCount {
    this.counts[key] ??= { requests: 0, attempts: 0, readUnits: 0, writeUnits: 0 };
    return this.counts[key];
  }
}

/**
 * Adds what DynamoDB Local reports: units from the items' sizes (1 write unit per KB written, 1 read
 * unit per 4 KB read strongly, half eventually). Its transactions are reported doubled already, as
 * DynamoDB bills them (2 units per KB and item), so they are taken as they are. A PartiQL batch is
 * billed per statement, refused ones too (a refused conditional write costs its unit): at least one
 * unit per statement.
 */
function addCapacity(tally: OperationCount, operation: string, consumed: unknown, statements?: number): void {
  const isWrite = WRITE_OPERATIONS.has(operation);
  const entries = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
    CapacityUnits?: number;
    ReadCapacityUnits?: number;
    WriteCapacityUnits?: number;
  }[];
  let read = 0;
  let write = 0;
  for (const entry of entries) {
    read += entry.ReadCapacityUnits ?? (isWrite ? 0 : (entry.CapacityUnits ?? 0));
    write += entry.WriteCapacityUnits ?? (isWrite ? (entry.CapacityUnits ?? 0) : 0);
  }
  tally.readUnits += read;
  tally.writeUnits += operation === 'BatchExecuteStatement' ? Math.max(write, statements ?? 0) : write;
}
