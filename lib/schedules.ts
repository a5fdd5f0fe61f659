import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { tableSchemas } from '#resources/table-schema.ts';
import { ServiceFunction } from './service-function.ts';

export interface BatchSchedulesProps {
  readonly batchesTable: dynamodb.Table;
  readonly stateMachine: sfn.StateMachine;
  readonly environment: Record<string, string>;
}

/**
 * The batches' one-time schedules (scheduled starts, maintenance windows opening): an EventBridge
 * Scheduler group the service creates `at(...)` schedules in at run time, the function they invoke
 * (functions/scheduler/run-scheduled-action.ts) and the role Scheduler invokes it with. A waiting
 * batch costs nothing: no execution, no Lambda, no poll.
 */
export class BatchSchedules extends Construct {
  readonly group: scheduler.CfnScheduleGroup;
  readonly runner: ServiceFunction;
  readonly invokeRole: iam.Role;

  constructor(
    scope: Construct,
    id: string,
    { batchesTable, stateMachine, environment }: BatchSchedulesProps,
  ) {
    super(scope, id);
    this.group = new scheduler.CfnScheduleGroup(this, 'Group', {});
    this.runner = new ServiceFunction(this, 'RunScheduledAction', {
      entry: 'functions/scheduler/run-scheduled-action.ts',
      environment: { ...environment, STATE_MACHINE_ARN: stateMachine.stateMachineArn },
    }).bindTable(tableSchemas.batches, batchesTable, 'readWrite');
    stateMachine.grantStartExecution(this.runner.function);
    stateMachine.grantTaskResponse(this.runner.function);
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.runner.function.grantInvoke(this.invokeRole);
    const runnerId = Stack.of(this).getLogicalId(this.runner.function.node.defaultChild as CfnElement);
    Validations.of(this.invokeRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${runnerId}.Arn>:*]`,
      reason: "grantInvoke's grant: the schedules' own target function, any of its versions",
    });
  }

  /** Lets a function create, move and delete the batches' schedules, and tells it where they go. */
  bind(fn: IFunction & { addEnvironment(key: string, value: string): unknown }): void {
    fn.addEnvironment('SCHEDULE_GROUP_NAME', this.group.ref);
    fn.addEnvironment('SCHEDULED_ACTION_ARN', this.runner.function.functionArn);
    fn.addEnvironment('SCHEDULER_ROLE_ARN', this.invokeRole.roleArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [
          Stack.of(this).formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${this.group.ref}/*`,
          }),
        ],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.invokeRole.roleArn] }),
    );
    if (fn.role) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${Stack.of(this).getLogicalId(this.group)}>/*]`,
        reason:
          "The batches' one-time schedules in the stack's own group: each is named after its batch, unknown in advance",
      });
    }
  }
}
