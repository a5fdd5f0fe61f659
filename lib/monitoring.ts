import { CfnCondition, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, MetricName, SERVICE_NAME } from '#commons/metrics.ts';

/** Thresholds with their reasons; the runbook explains each alarm. */
export const ALARM_THRESHOLDS = {
  /** Failed items in percent of processed items over 15 minutes (ignored below 100 items: too few to judge). */
  failedItemRatioPercent: 10,
  failedItemRatioMinItems: 100,
  /** API 5xx responses in percent of requests over 5 minutes. */
  api5xxRatePercent: 5,
  /** A chunk waiting this long means workers are not keeping up or are failing repeatedly. */
  oldestChunkAgeSeconds: 15 * 60,
} as const;

const RUNBOOK = 'docs/runbook.md';

export interface MonitoringProps {
  readonly stateMachine: sfn.StateMachine;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly worker: lambda.IFunction;
  readonly functions: readonly lambda.IFunction[];
  readonly httpApi: apigw.HttpApi;
  readonly tables: readonly dynamodb.ITable[];
}

/**
 * What operators watch: alarms (each saying what it means and what to do) sent to one SNS topic whose
 * e-mail subscription is a stack parameter, and one dashboard of the batches' lifecycle.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Batch operations alarms',
      enforceSSL: true,
    });
    const email = new CfnParameter(Stack.of(this), 'AlarmEmail', {
      type: 'String',
      default: '',
      description: 'E-mail address that receives the batch operations alarms (empty: no subscription)',
    });
    const hasEmail = new CfnCondition(this, 'HasAlarmEmail', {
      expression: Fn.conditionNot(Fn.conditionEquals(email.valueAsString, '')),
    });
    const subscription = new sns.CfnSubscription(this, 'AlarmEmailSubscription', {
      topicArn: this.topic.topicArn,
      protocol: 'email',
      endpoint: email.valueAsString,
    });
    subscription.cfnOptions.condition = hasEmail;

    const serviceMetric = (metricName: MetricName, period = Duration.minutes(5)) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period,
      });
    const itemsProcessed = serviceMetric(MetricName.ItemsProcessed, Duration.minutes(15));
    const itemsFailed = serviceMetric(MetricName.ItemsFailed, Duration.minutes(15));

    this.alarm('ChunkDeadLetters', {
      metric: serviceMetric(MetricName.DeadLetteredChunks),
      threshold: 1,
      description:
        'A chunk failed on every delivery and went to the dead-letter queue: its unprocessed items were marked FAILED.',
      anchor: 'chunkdeadletters',
    });
    this.alarm('DeadLetterBacklog', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 3,
      description:
        'Chunks wait in the dead-letter queue unaccounted for: the dead-chunk accounting function is failing.',
      anchor: 'deadletterbacklog',
    });
    this.alarm('ExecutionsFailed', {
      metric: props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      description:
        'Batch state-machine executions failed: the batch may have been left without a final state.',
      anchor: 'executionsfailed-executionstimedout-executionsaborted',
    });
    this.alarm('ExecutionsTimedOut', {
      metric: props.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      description: 'Batch state-machine executions timed out: their batches did not reach a final state.',
      anchor: 'executionsfailed-executionstimedout-executionsaborted',
    });
    this.alarm('ExecutionsAborted', {
      metric: props.stateMachine.metricAborted({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      description:
        'Batch state-machine executions were stopped by hand: their batches may still show ACTIVE.',
      anchor: 'executionsfailed-executionstimedout-executionsaborted',
    });
    this.alarm('WorkerErrors', {
      metric: props.worker.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      description:
        'The chunk worker fails invocations: chunks are being retried and may reach the dead-letter queue.',
      anchor: 'workererrors',
    });
    this.alarm('WorkerThrottles', {
      metric: props.worker.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      description: 'The chunk worker is throttled by Lambda concurrency limits: batches slow down.',
      anchor: 'workerthrottles',
    });
    this.alarm('Api5xxRate', {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
          requests: props.httpApi.metricCount({ period: Duration.minutes(5), statistic: 'Sum' }),
        },
        label: 'API 5xx rate (%)',
        period: Duration.minutes(5),
      }),
      threshold: ALARM_THRESHOLDS.api5xxRatePercent,
      description: `More than ${ALARM_THRESHOLDS.api5xxRatePercent}% of API requests end in a server error.`,
      anchor: 'api5xxrate',
    });
    this.alarm('FailedItemRatio', {
      metric: new cloudwatch.MathExpression({
        expression: `IF(processed >= ${ALARM_THRESHOLDS.failedItemRatioMinItems}, 100 * failed / processed, 0)`,
        usingMetrics: { processed: itemsProcessed, failed: itemsFailed },
        label: 'Failed items (%)',
        period: Duration.minutes(15),
      }),
      threshold: ALARM_THRESHOLDS.failedItemRatioPercent,
      description: `More than ${ALARM_THRESHOLDS.failedItemRatioPercent}% of processed items failed in 15 minutes.`,
      anchor: 'faileditemratio',
    });
    this.alarm('StalledBatches', {
      metric: serviceMetric(MetricName.StalledBatches),
      threshold: 1,
      description:
        'A batch has made no progress for longer than STALL_ALARM_SECONDS (reported by its progress poll).',
      anchor: 'stalledbatches',
    });
    this.alarm('RecoveredBatches', {
      metric: serviceMetric(MetricName.RecoveredBatches),
      threshold: 1,
      description:
        'A batch had lost its state-machine execution and was picked up again by the recovery sweep; find out why it was lost.',
      anchor: 'recoveredbatches',
    });
    this.alarm('OldestChunkAge', {
      metric: props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: ALARM_THRESHOLDS.oldestChunkAgeSeconds,
      evaluationPeriods: 5,
      description: `A chunk has waited more than ${ALARM_THRESHOLDS.oldestChunkAgeSeconds / 60} minutes in the queue.`,
      anchor: 'oldestchunkage',
    });

    this.dashboard = this.buildDashboard(props, itemsProcessed, itemsFailed);
  }

  private alarm(
    id: string,
    spec: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      anchor: string;
      evaluationPeriods?: number;
    },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${spec.description} What to do: ${RUNBOOK}#${spec.anchor}`,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private buildDashboard(
    props: MonitoringProps,
    itemsProcessed: cloudwatch.Metric,
    itemsFailed: cloudwatch.Metric,
  ) {
    const search = (metricName: MetricName, dimensions: string[], statistic: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${['service', ...dimensions].join(',')}} MetricName="${metricName}"', '${statistic}', 300)`,
        label,
        period: Duration.minutes(5),
      });
    const perMinute = (metric: cloudwatch.Metric, label: string) =>
      metric.with({ period: Duration.minutes(1), label });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Batches created and finished (by final state)',
        left: [
          search(MetricName.BatchesCreated, ['OperationType'], 'Sum', 'created'),
          search(MetricName.BatchesFinished, ['OperationType', 'FinalState'], 'Sum', 'finished'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Throughput (items per minute)',
        left: [perMinute(itemsProcessed, 'processed'), perMinute(itemsFailed, 'failed')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Failures',
        left: [
          search(MetricName.ItemsFailed, ['OperationType', 'ErrorClass'], 'Sum', 'failed items'),
          search(MetricName.ShardsFailed, ['OperationType'], 'Sum', 'failed shards'),
          search(MetricName.QueryRetries, ['OperationType'], 'Sum', 'query retries'),
          search(MetricName.StalledBatches, ['OperationType'], 'Sum', 'stalled batches'),
          search(MetricName.DeadLetteredItems, ['OperationType'], 'Sum', 'dead-lettered items'),
        ],
        right: [
          props.stateMachine.metricFailed(),
          props.stateMachine.metricTimedOut(),
          props.stateMachine.metricAborted(),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Phase durations (ms, p90)',
        left: [
          search(MetricName.InitializationDuration, ['OperationType'], 'p90', 'initialization'),
          search(MetricName.ChunkDuration, ['OperationType'], 'p90', 'chunk'),
          search(MetricName.BatchDuration, ['OperationType'], 'p90', 'creation to final state'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Chunk queue',
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
          props.queue.metricApproximateNumberOfMessagesNotVisible({ label: 'in flight' }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead letters' }),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)' })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda errors, throttles and concurrency',
        left: props.functions.flatMap((fn) => [
          fn.metricErrors({ statistic: 'Sum' }),
          fn.metricThrottles({ statistic: 'Sum' }),
        ]),
        right: [
          props.worker.metric('ConcurrentExecutions', { statistic: 'Maximum', label: 'worker concurrency' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB throttled requests',
        left: props.tables.flatMap((table) =>
          ['ReadThrottleEvents', 'WriteThrottleEvents'].map(
            (metricName) =>
              new cloudwatch.Metric({
                namespace: 'AWS/DynamoDB',
                metricName,
                dimensionsMap: { TableName: table.tableName },
                statistic: 'Sum',
              }),
          ),
        ),
        width: 12,
      }),
    );
    return dashboard;
  }
}
