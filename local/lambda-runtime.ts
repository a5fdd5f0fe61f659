import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';

/** A Lambda handler module's export, as the embedded runtime calls it. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const repositoryRoot = resolve(import.meta.dirname, '..');

// Invocations here share one process, as on Lambda Managed Instances: with the concurrency variable
// set and an InvokeStore in place, Powertools keeps each invocation's state apart: log keys and
// context, and the batch processor's records and partial failures (a module-level singleton the
// worker's concurrent invocations would otherwise share).
process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
(globalThis as { awslambda?: object }).awslambda ??= {};
const invokeStore = await InvokeStore.getInstanceAsync(true);

/**
 * Loads a handler module by its entry path (the same path the CDK stack bundles). Its initialization
 * runs in a scope of its own, as in Lambda's init phase: Powertools singletons write to the store
 * when they are built.
 */
export async function loadHandler(entry: string): Promise<LambdaHandler> {
  const url = pathToFileURL(resolve(repositoryRoot, entry)).href;
  const module = (await invokeStore.run({}, () => import(url))) as { handler?: LambdaHandler };
  if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler`);
  return module.handler;
}

/** Told of every invocation's function and duration (the benchmark's Lambda figures); none by default. */
export type InvocationObserver = (functionName: string, durationMs: number) => void;
let invocationObserver: InvocationObserver | undefined;

export function observeInvocations(observer: InvocationObserver | undefined): void {
  invocationObserver = observer;
}

const running = new Set<Promise<unknown>>();
let stopping = false;

/**
 * The runtime is stopping: every running invocation sees no time left (`getRemainingTimeInMillis`
 * is 0), as if its timeout had come, so a worker starts no further item and leaves its chunk pending.
 */
export function abandonInvocations(): void {
  stopping = true;
}

/** Whether new invocations may start: not once the runtime is stopping. */
export function acceptingInvocations(): boolean {
  return !stopping;
}

/** A runtime (re)starting in this process: invocations get their full time again. */
export function acceptInvocations(): void {
  stopping = false;
}

/** Waits until no invocation runs, at most `timeoutMs`; returns how many still run. */
export async function settleInvocations(timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (running.size > 0 && Date.now() < deadline) {
    await Promise.race([
      Promise.allSettled([...running]),
      new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()))),
    ]);
  }
  return running.size;
}

/** Calls a handler as Lambda would: with its Context, in an invocation scope of its own; timed for the observer. */
export async function invoke(
  handler: LambdaHandler,
  event: unknown,
  functionName: string,
  timeoutMs?: number,
): Promise<unknown> {
  const started = performance.now();
  const context = lambdaContext(functionName, timeoutMs);
  const scope = { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId };
  const invocation = invokeStore.run(scope, () => handler(event, context));
  running.add(invocation);
  try {
    return await invocation;
  } finally {
    running.delete(invocation);
    invocationObserver?.(functionName, performance.now() - started);
  }
}

/** The Context object Lambda passes to a handler, with the function's timeout. */
export function lambdaContext(functionName: string, timeoutMs = 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'embedded',
    getRemainingTimeInMillis: () => (stopping ? 0 : Math.max(0, deadline - Date.now())),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
