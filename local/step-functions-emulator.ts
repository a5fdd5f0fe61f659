import './polyfills.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import { PROGRESS_WAIT_STATE, type WorkflowTask, workflowTasks } from '#resources/workflow-tasks.ts';
import type { Emulator } from './emulator-process.ts';
import { invoke, loadHandler } from './lambda-runtime.ts';

export const LOCAL_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:BatchOperations';

interface Execution {
  executionArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  done: Promise<void>;
}

/** An execution's event (aws-local-stepfunctions does not export the type itself). */
export type StateMachineEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer Event> ? Event : never;

export interface StepFunctionsEmulatorOptions {
  definition: Record<string, unknown>;
  /** The execution phase's poll interval here, instead of the definition's seconds. */
  pollIntervalMs: number;
  onExecutionEnd?: (execution: { name: string; status: string; error?: string; cause?: string }) => void;
  /** Every event of every execution (states entered and exited, with timestamps), as it happens. */
  onEvent?: (executionName: string, event: StateMachineEvent) => void;
}

export interface StepFunctionsEmulator extends Emulator {
  /** Resolves when every execution started so far has ended. */
  idle(): Promise<void>;
}

/**
 * A loopback endpoint speaking the Step Functions JSON protocol (StartExecution, DescribeExecution,
 * StopExecution), so the service's real SFN client starts executions here. Each execution runs the
 * CDK-synthesized definition with aws-local-stepfunctions; every Task state runs the same handler
 * module its Lambda function bundles.
 */
export async function startStepFunctionsEmulator(
  options: StepFunctionsEmulatorOptions,
): Promise<StepFunctionsEmulator> {
  const stateMachine = new StateMachine(options.definition as never, {
    validationOptions: { checkArn: false },
  });
  // Executions parked on a task token, woken by SendTaskSuccess or SendTaskFailure.
  const waiting = new Map<string, { succeed: (output: unknown) => void; fail: (error: Error) => void }>();
  const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const task of Object.values<WorkflowTask>(workflowTasks)) {
    const handler = await loadHandler(task.entry);
    const run = (input: unknown) => invoke(handler, input, task.id, 15 * 60_000);
    taskHandlers[task.stateName] = task.waitsForTaskToken
      ? (input) => invokeWithTaskToken(run, input as { Payload: Record<string, unknown> }, waiting)
      : run;
  }
  const executions = new Map<string, Execution>();

  const startExecution = (request: { stateMachineArn?: string; name?: string; input?: string }) => {
    const name = request.name ?? crypto.randomUUID();
    const executionArn = `${LOCAL_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
    if (executions.has(executionArn))
      throw new ServiceError('ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    const input = request.input ?? '{}';
    const startDate = Date.now();
    const run = stateMachine.run(JSON.parse(input), {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as never,
        waitTimeOverrides: { [PROGRESS_WAIT_STATE]: options.pollIntervalMs },
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: JSON.parse(input),
          StartTime: new Date(startDate).toISOString(),
        },
        StateMachine: { Id: LOCAL_STATE_MACHINE_ARN, Name: 'BatchOperations' },
        // Replaced by a fresh token per invocation (see invokeWithTaskToken).
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      } as never,
      noThrowOnAbort: true,
    });
    const onEvent = options.onEvent;
    if (onEvent) void forwardEvents(run.eventLogs, (event) => onEvent(name, event));
    const execution: Execution = {
      executionArn,
      name,
      status: 'RUNNING',
      startDate,
      input,
      abort: run.abort,
      done: run.result
        .then(
          (output) => {
            if (execution.status === 'RUNNING') execution.status = 'SUCCEEDED';
            execution.output = JSON.stringify(output);
          },
          (error: { name?: string; message?: string; cause?: unknown }) => {
            execution.status = 'FAILED';
            execution.error = error?.name ?? 'Error';
            execution.cause = error?.message ?? String(error);
          },
        )
        .finally(() => {
          execution.stopDate = Date.now();
          options.onExecutionEnd?.(execution);
        }),
    };
    executions.set(executionArn, execution);
    return { executionArn, startDate: startDate / 1000 };
  };

  const describe = (executionArn: string) => {
    const execution = executions.get(executionArn);
    if (!execution)
      throw new ServiceError('ExecutionDoesNotExist', `Execution does not exist: '${executionArn}'`);
    const { abort: _abort, done: _done, startDate, stopDate, ...rest } = execution;
    return {
      ...rest,
      stateMachineArn: LOCAL_STATE_MACHINE_ARN,
      startDate: startDate / 1000,
      ...(stopDate ? { stopDate: stopDate / 1000 } : {}),
    };
  };

  const actions: Record<string, (request: Record<string, string>) => unknown> = {
    StartExecution: startExecution,
    DescribeExecution: (request) => describe(request.executionArn),
    SendTaskSuccess: (request) => {
      takeWaiting(waiting, request.taskToken).succeed(JSON.parse(request.output ?? '{}'));
      return {};
    },
    SendTaskFailure: (request) => {
      const error = Object.assign(new Error(request.cause ?? ''), { name: request.error ?? 'TaskFailed' });
      takeWaiting(waiting, request.taskToken).fail(error);
      return {};
    },
    StopExecution: (request) => {
      const execution = executions.get(request.executionArn);
      if (!execution)
        throw new ServiceError(
          'ExecutionDoesNotExist',
          `Execution does not exist: '${request.executionArn}'`,
        );
      execution.status = 'ABORTED';
      execution.abort();
      return { stopDate: Date.now() / 1000 };
    },
  };

  const server = keepIdleConnections(createServer((req, res) => void serve(req, res, actions)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    idle: async () => {
      await Promise.all([...executions.values()].map((execution) => execution.done));
    },
    stop: async () => {
      for (const execution of executions.values()) if (execution.status === 'RUNNING') execution.abort();
      await closeServer(server);
    },
    kill: () => {
      for (const execution of executions.values()) if (execution.status === 'RUNNING') execution.abort();
      server.closeAllConnections();
    },
  };
}

async function forwardEvents(
  events: AsyncGenerator<StateMachineEvent>,
  onEvent: (event: StateMachineEvent) => void,
) {
  for await (const event of events) onEvent(event);
}

const TASK_TOKEN_PLACEHOLDER = 'local-task-token';

/**
 * A `.waitForTaskToken` task: the Lambda is invoked with a token of its own (as Step Functions does)
 * and the state ends when the token comes back, not when the handler returns.
 */
async function invokeWithTaskToken(
  run: (payload: unknown) => Promise<unknown>,
  input: { Payload: Record<string, unknown> },
  waiting: Map<string, { succeed: (output: unknown) => void; fail: (error: Error) => void }>,
): Promise<unknown> {
  const taskToken = crypto.randomUUID();
  const payload = Object.fromEntries(
    Object.entries(input.Payload).map(([name, value]) => [
      name,
      value === TASK_TOKEN_PLACEHOLDER ? taskToken : value,
    ]),
  );
  // Registered before the handler runs: it may send the token back before it returns.
  const result = new Promise((succeed, fail) => waiting.set(taskToken, { succeed, fail }));
  try {
    await run(payload);
  } catch (error) {
    waiting.delete(taskToken);
    throw error;
  }
  return result;
}

function takeWaiting<T>(waiting: Map<string, T>, taskToken: string | undefined): T {
  const waiter = taskToken ? waiting.get(taskToken) : undefined;
  if (!waiter || !taskToken)
    throw new ServiceError('TaskDoesNotExist', `Task does not exist: '${taskToken}'`);
  waiting.delete(taskToken);
  return waiter;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  actions: Record<string, (request: Record<string, string>) => unknown>,
) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const action = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(body));
  };
  try {
    const handler = actions[action];
    if (!handler)
      return reply(400, {
        __type: 'UnknownOperationException',
        message: `${action} is not emulated locally`,
      });
    reply(200, handler(JSON.parse(Buffer.concat(chunks).toString() || '{}')));
  } catch (error) {
    if (error instanceof ServiceError) return reply(400, { __type: error.type, message: error.message });
    reply(500, { __type: 'InternalFailure', message: String(error) });
  }
}

/**
 * Idle keep-alive connections outlive the client's (Node's fetch and the AWS SDK drop theirs after 4 s and
 * 1 s unless told longer), so a client never reuses a socket the server is closing at that moment: a
 * loaded machine otherwise turns that race into ECONNRESET. Stopping closes them at once (`closeServer`).
 */
export function keepIdleConnections(server: Server): Server {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
