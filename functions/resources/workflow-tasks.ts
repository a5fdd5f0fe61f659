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
}

export const workflowTasks = {
  startBatch: { id: 'StartBatch', stateName: 'Creation', entry: 'functions/workflow/start-batch.ts' },
  initializeShard: {
    id: 'InitializeShard',
    stateName: 'Initialize shard',
    entry: 'functions/workflow/initialize-shard.ts',
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
