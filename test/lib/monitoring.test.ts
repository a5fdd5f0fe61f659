import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALARM_THRESHOLDS } from '../../lib/monitoring.ts';
import { synthesizeTemplate } from '../../lib/synthesize.ts';

let template: Template;
let alarms: Record<string, { Properties: Record<string, unknown> }>;
beforeAll(() => {
  template = Template.fromJSON(synthesizeTemplate());
  alarms = template.findResources('AWS::CloudWatch::Alarm') as typeof alarms;
});

/** The alarm whose logical id starts with the construct id, e.g. `MonitoringChunkDeadLetters…`. */
function alarm(id: string) {
  const entry = Object.entries(alarms).find(([logicalId]) => logicalId.startsWith(`Monitoring${id}`));
  if (!entry) throw new Error(`no alarm ${id}; alarms: ${Object.keys(alarms).join(', ')}`);
  return entry[1].Properties;
}

const runbook = readFileSync(resolve(import.meta.dirname, '../../docs/runbook.md'), 'utf8');

describe('monitoring', () => {
  it('sends every alarm to the alarm topic and explains it with a link into the runbook', () => {
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(Object.keys(alarms)).toHaveLength(12);
    for (const { Properties } of Object.values(alarms)) {
      expect(Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      const description = Properties.AlarmDescription as string;
      const anchor = /docs\/runbook\.md#([\w-]+)/.exec(description)?.[1];
      expect(anchor, description).toMatch(/^[\w-]+$/);
      expect(runbook.toLowerCase(), `runbook section for #${anchor}`).toContain(
        `## ${anchor?.split('-')[0]}`,
      );
    }
  });

  it('subscribes the e-mail from the AlarmEmail parameter, only when one is given', () => {
    template.hasParameter('AlarmEmail', { Type: 'String', Default: '' });
    template.hasResource('AWS::SNS::Subscription', {
      Condition: Match.stringLikeRegexp('HasAlarmEmail'),
      Properties: { Protocol: 'email' },
    });
  });

  it('alarms on any chunk accounted from the dead-letter queue, and on chunks left there unaccounted', () => {
    expect(alarm('ChunkDeadLetters')).toMatchObject({
      MetricName: 'DeadLetteredChunks',
      Namespace: 'BatchOperations',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm('DeadLetterBacklog')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      EvaluationPeriods: 3,
    });
  });

  it.each([
    ['ExecutionsFailed', 'ExecutionsFailed'],
    ['ExecutionsTimedOut', 'ExecutionsTimedOut'],
    ['ExecutionsAborted', 'ExecutionsAborted'],
  ])('alarms on state-machine %s', (id, metricName) => {
    expect(alarm(id)).toMatchObject({ MetricName: metricName, Namespace: 'AWS/States', Threshold: 1 });
  });

  it('alarms on worker errors and throttles', () => {
    expect(alarm('WorkerErrors')).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 5,
    });
    expect(alarm('WorkerThrottles')).toMatchObject({
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
    });
  });

  it('alarms on the API 5xx rate and the failed-item ratio as metric math', () => {
    const api = alarm('Api5xxRate');
    expect(api.Threshold).toBe(ALARM_THRESHOLDS.api5xxRatePercent);
    expect(JSON.stringify(api.Metrics)).toContain('100 * errors / requests');
    const failed = alarm('FailedItemRatio');
    expect(failed.Threshold).toBe(ALARM_THRESHOLDS.failedItemRatioPercent);
    expect(JSON.stringify(failed.Metrics)).toContain('ItemsFailed');
    expect(JSON.stringify(failed.Metrics)).toContain('"Namespace":"BatchOperations"');
  });

  it('alarms on stalled batches and on the age of the oldest chunk', () => {
    expect(alarm('StalledBatches')).toMatchObject({
      MetricName: 'StalledBatches',
      Namespace: 'BatchOperations',
      Threshold: 1,
    });
    expect(alarm('OldestChunkAge')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: ALARM_THRESHOLDS.oldestChunkAgeSeconds,
      EvaluationPeriods: 5,
    });
  });

  it('has one dashboard covering batches, throughput, failures, durations, queue, Lambda and DynamoDB', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0].Properties.DashboardBody);
    for (const text of [
      'BatchesFinished',
      'ItemsProcessed',
      'ItemsFailed',
      'ChunkDuration',
      'InitializationDuration',
      'ApproximateAgeOfOldestMessage',
      'Throttles',
      'ConcurrentExecutions',
      'WriteThrottleEvents',
    ]) {
      expect(body).toContain(text);
    }
  });

  it('traces and logs every function as JSON through Powertools', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('batch-operations');
    }
  });
});
