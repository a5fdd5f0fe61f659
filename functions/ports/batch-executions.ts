/** The batch's state-machine executions (on AWS: Step Functions). */
export interface BatchExecutions {
  /**
   * Starts the batch's state-machine execution, named after the batch key; a recovery names its
   * attempt, since execution names cannot be reused.
   */
  start(batchOperationKey: string, recoveryAttempt?: string): Promise<void>;
  /** Whether the batch's execution (the recorded one, else the first) is still running. */
  isRunning(batchOperationKey: string, executionArn?: string): Promise<boolean>;
  /** Wakes an execution waiting for resumption; a token whose wait already ended is ignored. */
  resume(taskToken: string): Promise<void>;
}
