import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { BatchWorkflow } from '../../ports/batch-store.ts';

/** Starts one state-machine execution per batch, named after the batch key (so a retry cannot start two). */
export class StepFunctionsBatchWorkflow implements BatchWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(batchOperationKey: string): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: batchOperationKey,
          input: JSON.stringify({ batchOperationKey }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
