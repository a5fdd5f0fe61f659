import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  PARK_SECONDS,
  PROGRESS_WAIT_STATE,
  TASK_TIMEOUT_SECONDS,
  type WorkflowTask,
  workflowTasks,
} from '#resources/workflow-tasks.ts';
import { CDK_ROLE_DEPENDENCY, ignoreCfnLintChecks } from './cfn-lint.ts';

export type WorkflowFunctions = Record<keyof typeof workflowTasks, IFunction>;

export interface BatchWorkflowProps {
  readonly functions: WorkflowFunctions;
  /** Known before synthesis so the function that wakes the execution can be granted it without a cycle. */
  readonly stateMachineName: string;
}

/**
 * The batch's lifecycle as a Step Functions state machine whose top-level states are its four phases:
 * Creation → Initialization → Execution → Completion. Payloads carry only the batch key and shard
 * numbers, and the execution phase waits on the workers with a backed-off poll, so the transitions
 * taken do not depend on the number of items.
 *
 * Every Lambda task uses `payloadResponseOnly`, so a task's result is the handler's return value in
 * Step Functions and in the embedded runtime (aws-local-stepfunctions) alike.
 */
export class BatchWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, { functions, stateMachineName }: BatchWorkflowProps) {
    super(scope, id);
    // A task's result either replaces the state (ResultPath left out: aws-local-stepfunctions 3.0.0
    // mistakes an explicit "$" for a key named "$") or is discarded, keeping the input.
    const invoke = (
      task: WorkflowTask,
      fn: IFunction,
      payload: Record<string, unknown>,
      result: 'replace' | 'discard' = 'discard',
    ) =>
      new tasks.LambdaInvoke(this, task.stateName, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject(payload),
        ...(result === 'discard' ? { resultPath: sfn.JsonPath.DISCARD } : {}),
        retryOnServiceExceptions: true,
        // Stated, as the function's: aws-local-stepfunctions would otherwise end any task after 60 s.
        taskTimeout: sfn.Timeout.duration(Duration.seconds(task.timeoutSeconds ?? TASK_TIMEOUT_SECONDS)),
      });
    const batchKey = { batchOperationKey: sfn.JsonPath.stringAt('$.batchOperationKey') };

    const recordFailure = invoke(workflowTasks.failBatch, functions.failBatch, {
      ...batchKey,
      error: sfn.JsonPath.stringAt('$.failure.Error'),
      cause: sfn.JsonPath.stringAt('$.failure.Cause'),
    }).next(
      new sfn.Fail(this, 'Batch failed', {
        error: 'BatchFailed',
        cause: 'See the batch record for the reason',
      }),
    );

    const creation = invoke(
      workflowTasks.startBatch,
      functions.startBatch,
      { ...batchKey, executionArn: sfn.JsonPath.stringAt('$$.Execution.Id') },
      'replace',
    );

    const perShard = { ...batchKey, shard: sfn.JsonPath.numberAt('$$.Map.Item.Value') };
    const dispatchRound = { dispatchRound: sfn.JsonPath.numberAt('$.dispatchRound') };
    const initialization = new sfn.Map(this, 'Initialization', {
      itemsPath: '$.shards',
      itemSelector: perShard,
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(invoke(workflowTasks.initializeShard, functions.initializeShard, selectFromItem()));

    const dispatch = new sfn.Map(this, 'Dispatch chunks', {
      itemsPath: '$.shards',
      itemSelector: { ...perShard, ...dispatchRound },
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(
      invoke(workflowTasks.dispatchChunks, functions.dispatchChunks, {
        ...selectFromItem(),
        ...dispatchRound,
      }),
    );

    // A suspended batch parks on a task token (no polling, no transitions) until resumed or canceled,
    // then sends its pending chunks again.
    const awaitResumption = new tasks.LambdaInvoke(this, workflowTasks.awaitResumption.stateName, {
      lambdaFunction: functions.awaitResumption,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ ...batchKey, taskToken: sfn.JsonPath.taskToken }),
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(PARK_SECONDS)),
    });
    // However long the suspension, the wait ends only by resumption or cancellation: past its
    // timeout the execution parks again with a fresh token (the handler stores it, or wakes the
    // execution at once if the batch was resumed meanwhile).
    awaitResumption.addCatch(awaitResumption, {
      errors: [sfn.Errors.TIMEOUT],
      resultPath: sfn.JsonPath.DISCARD,
    });
    awaitResumption.next(dispatch);

    const waitForWorkers = new sfn.Wait(this, PROGRESS_WAIT_STATE, {
      time: sfn.WaitTime.secondsPath('$.pollSeconds'),
    });
    const checkProgress = invoke(
      workflowTasks.checkProgress,
      functions.checkProgress,
      {
        ...batchKey,
        shards: sfn.JsonPath.listAt('$.shards'),
        pollSeconds: sfn.JsonPath.numberAt('$.pollSeconds'),
        progress: sfn.JsonPath.objectAt('$.progress'),
        suspensionsSeen: sfn.JsonPath.numberAt('$.suspensionsSeen'),
        ...dispatchRound,
      },
      'replace',
    );
    const awaitWorkers = waitForWorkers
      .next(checkProgress)
      .next(
        new sfn.Choice(this, 'All shards finished?')
          .when(sfn.Condition.booleanEquals('$.finished', true), new sfn.Succeed(this, 'Shards finished'))
          .when(sfn.Condition.booleanEquals('$.suspended', true), awaitResumption)
          .otherwise(waitForWorkers),
      );
    const execution = new sfn.Parallel(this, 'Execution', { resultPath: sfn.JsonPath.DISCARD }).branch(
      dispatch.next(awaitWorkers),
    );

    const completion = invoke(workflowTasks.completeBatch, functions.completeBatch, batchKey);

    for (const phase of [creation, initialization, execution, completion]) {
      phase.addCatch(recordFailure, { resultPath: '$.failure' });
    }

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(
        creation.next(initialization).next(execution).next(completion),
      ),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        // Every transition (cdk-nag SF1): a batch takes a few dozen whatever its size, and without
        // execution data the log holds no filters or claims.
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    ignoreCfnLintChecks(this.stateMachine.node.defaultChild as sfn.CfnStateMachine, CDK_ROLE_DEPENDENCY);
    const role = this.stateMachine.role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery and its kin) take no resource-level permissions (Step Functions developer guide, "IAM policies for logging")',
    });
    for (const fn of Object.values(functions)) {
      const logicalId = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: "LambdaInvoke's grant: the stack's own task function, any of its versions",
      });
    }
  }
}

/** Inside a shard Map iteration the input is `{batchOperationKey, shard}`: pass it on as it is. */
function selectFromItem(): Record<string, unknown> {
  return {
    batchOperationKey: sfn.JsonPath.stringAt('$.batchOperationKey'),
    shard: sfn.JsonPath.numberAt('$.shard'),
  };
}
