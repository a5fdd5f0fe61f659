import { ArnFormat, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RECOVERY_SWEEP_MINUTES } from '#resources/recovery-sweep.ts';
import { tableSchemas } from '#resources/table-schema.ts';
import { ServiceFunction } from './service-function.ts';

export interface RecoveryProps {
  readonly batchesTable: dynamodb.Table;
  readonly stateMachine: sfn.StateMachine;
  readonly environment: Record<string, string>;
}

/**
 * The recovery sweep: on a schedule, a function finds unfinished batches without a running execution
 * and starts a new one, which resumes from the stored chunk records (the embedded runtime runs the
 * same handler when it starts).
 */
export class Recovery extends Construct {
  readonly sweep: ServiceFunction;

  constructor(scope: Construct, id: string, { batchesTable, stateMachine, environment }: RecoveryProps) {
    super(scope, id);
    this.sweep = new ServiceFunction(this, 'RecoverBatches', {
      entry: 'functions/workflow/recover-batches.ts',
      environment: { ...environment, STATE_MACHINE_ARN: stateMachine.stateMachineArn },
      timeout: Duration.minutes(5),
    }).bindTable(tableSchemas.batches, batchesTable, 'read');
    stateMachine.grantStartExecution(this.sweep.function);
    // Whether a batch's execution still runs: executions are named after batch keys, unknown in advance.
    this.sweep.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: `${stateMachine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    const machineId = Stack.of(this).getLogicalId(stateMachine.node.defaultChild as CfnElement);
    Validations.of(this.sweep).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${machineId}.Name>:*]`,
      reason: "The executions of the stack's own state machine: each is named after its batch key",
    });
    new events.Rule(this, 'Schedule', {
      description: 'Re-drives batch operations whose state-machine execution was lost',
      schedule: events.Schedule.rate(Duration.minutes(RECOVERY_SWEEP_MINUTES)),
      targets: [new targets.LambdaFunction(this.sweep.function, { retryAttempts: 0 })],
    });
  }
}
