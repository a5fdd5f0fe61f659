/**
 * The state machine's Task states and the handler each one runs. The CDK workflow construct makes a
 * function per entry; the embedded runtime runs the synthesized definition and answers each Task
 * state with the same handler module, found here by state name.
 */
export interface WorkflowTask {
  readonly id: string;
  readonly stateName: string;
  readonly entry: string;
  /** Invoked with a task token: the state ends when the token is sent back, not when the handler returns. */
  readonly waitsForTaskToken?: boolean;
  /**
   * How long the handler may run: its function's timeout and its Task state's `TimeoutSeconds` (the
   * Step Functions default is none, the embedded runtime's aws-local-stepfunctions 60 s); the default
   * is TASK_TIMEOUT_SECONDS. A task-token state's wait is not bounded by it (see `PARK_SECONDS`).
   */
  readonly timeoutSeconds?: number;
}

/** A task's timeout unless it names its own. */
export const TASK_TIMEOUT_SECONDS = 60;
/**
 * How long a suspended batch's execution waits on its task token before it parks again with a fresh
 * one (the same handler, the same wait): a suspension has no end date, while a Task state needs one
 * that every runtime can keep (Node's timers overflow past 24.8 days).
 */
export const PARK_SECONDS = 86_400;

export const workflowTasks = {
  startBatch: { id: 'StartBatch', stateName: 'Creation', entry: 'functions/workflow/start-batch.ts' },
  initializeShard: {
    id: 'InitializeShard',
    stateName: 'Initialize shard',
    entry: 'functions/workflow/initialize-shard.ts',
    // Pages through the engine's whole selection: a cluster's million items take minutes.
    timeoutSeconds: 15 * 60,
  },
  dispatchChunks: {
    id: 'DispatchChunks',
    stateName: 'Dispatch shard chunks',
    entry: 'functions/workflow/dispatch-chunks.ts',
  },
  checkProgress: {
    id: 'CheckProgress',
    stateName: 'Check progress',
    entry: 'functions/workflow/check-progress.ts',
  },
  awaitResumption: {
    id: 'AwaitResumption',
    stateName: 'Await resumption',
    entry: 'functions/workflow/await-resumption.ts',
    waitsForTaskToken: true,
  },
  completeBatch: {
    id: 'CompleteBatch',
    stateName: 'Completion',
    entry: 'functions/workflow/complete-batch.ts',
  },
  failBatch: { id: 'FailBatch', stateName: 'Record failure', entry: 'functions/workflow/fail-batch.ts' },
} as const satisfies Record<string, WorkflowTask>;

/** The Wait state of the execution phase's backed-off poll (the embedded runtime shortens it). */
export const PROGRESS_WAIT_STATE = 'Wait for workers';
