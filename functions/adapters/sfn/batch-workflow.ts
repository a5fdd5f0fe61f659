import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { BatchExecutions } from '#ports/batch-executions.ts';

/** Starts one state-machine execution per batch, named after the batch key (so a retry cannot start two). */
export class StepFunctionsBatchWorkflow implements BatchExecutions {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(batchOperationKey: string, recoveryAttempt?: string): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: recoveryAttempt ? `${batchOperationKey}-${recoveryAttempt}` : batchOperationKey,
          input: JSON.stringify({ batchOperationKey }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async isRunning(batchOperationKey: string, executionArn?: string): Promise<boolean> {
    const arn =
      executionArn ?? `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${batchOperationKey}`;
    try {
      const { status } = await this.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      return status === 'RUNNING';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return false;
      throw error;
    }
  }

  async resume(taskToken: string): Promise<void> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    } catch (error) {
      // The wait already ended (the execution was stopped or redriven): there is nothing to wake.
      const ended =
        error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken;
      if (!ended) throw error;
    }
  }
}
