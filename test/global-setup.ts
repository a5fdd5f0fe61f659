import type { TestProject } from 'vitest/node';
import { pythonTool } from '../checks/python-venv.ts';
import { synthesizedStateMachineDefinition } from '../lib/synthesize.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startSqsEmulator } from '../local/sqs-emulator.ts';
import { buildOperatonEngineIfNeeded } from './helpers/operaton-engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The state machine as the CDK app synthesizes it, made once for every test file. */
    stateMachineDefinition: Record<string, unknown>;
    /**
     * DynamoDB Local (one database per access key) and the SQS emulator, started once for every test
     * file: a JVM start per file cost more than most files' tests. Each file keeps its data apart by
     * a namespace of its own (test/helpers/emulators.ts).
     */
    emulators: { dynamodb: string; sqs: string };
  }
}

/**
 * Synthesizes the stack once per run (each end-to-end file's runtime takes the same definition), builds
 * the Operaton test engine and the checks' Python tools when needed and starts the emulators the files share; they stop when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('stateMachineDefinition', synthesizedWithoutValidation());
  // The Camunda 7 adapter's engine: built once (skipped while the jar is newer than its sources).
  buildOperatonEngineIfNeeded();
  // Moto's server, the Secrets Manager emulator (test/helpers/secrets-manager.ts): its pinned virtual
  // environment made here once, before test files could race to make it.
  pythonTool('moto_server');
  const [dynamodb, sqs] = await Promise.all([
    startDynamoDbLocal({ databasePerAccessKey: true }),
    startSqsEmulator(),
  ]);
  project.provide('emulators', { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint });
  return async () => {
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  };
}

/**
 * CDK's template validation guards deployments (test/lib/ synthesizes with it) and is most of a
 * synthesis (7 of 10 s, 30 s on a busy machine); the runtimes take only the state machine. Turned off
 * for this one synthesis, so that the test files, which inherit this environment, keep it.
 */
function synthesizedWithoutValidation(): Record<string, unknown> {
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return synthesizedStateMachineDefinition();
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
  }
}
