import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_THROTTLING } from '../../lib/api-stage.ts';
import { BatchOperationsStack } from '../../lib/batch-operations-stack.ts';
import { STACK_NAME } from '../../lib/synthesize.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let app: App;
let stack: Stack;
let resources: Record<string, Resource>;
beforeAll(() => {
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new BatchOperationsStack(app, STACK_NAME);
  resources = Template.fromStack(stack).toJSON().Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

/**
 * Actions that take no resource-level permissions (IAM service authorization reference): X-Ray's
 * trace upload and the CloudWatch Logs delivery Step Functions logging needs. Nothing else may be
 * granted on `*`.
 */
const ACTIONS_WITHOUT_RESOURCES = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

/** The stack's own resources a policy may name: its tables, queues, state machine, functions and log groups. */
const OWN_RESOURCE_TYPES = new Set([
  'AWS::DynamoDB::Table',
  'AWS::SQS::Queue',
  'AWS::StepFunctions::StateMachine',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::Scheduler::ScheduleGroup',
  'AWS::IAM::Role',
]);

describe('AWS posture', () => {
  it("passes cdk-nag's AwsSolutions checks, every remaining finding acknowledged with its reason next to it", () => {
    // Act
    app.synth();
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('grants no wildcard action, and no resource outside the stack but for actions that take none', () => {
    const ownIds = Object.entries(resources)
      .filter(([, resource]) => OWN_RESOURCE_TYPES.has(resource.Type))
      .map(([id]) => id);
    const stateMachineName = `${STACK_NAME}-Batches`;
    const offences: string[] = [];
    for (const [policyId, policy] of ofType('AWS::IAM::Policy')) {
      const { Statement } = policy.Properties.PolicyDocument as { Statement: Statement[] };
      for (const statement of Statement) {
        const actions = [statement.Action].flat();
        for (const action of actions.filter((name) => name.includes('*'))) {
          offences.push(`${policyId}: wildcard action ${action}`);
        }
        for (const target of [statement.Resource].flat()) {
          const text = JSON.stringify(target);
          const own = ownIds.some((id) => text.includes(`"${id}"`)) || text.includes(`:${stateMachineName}`);
          if (own) continue;
          const loose = actions.filter((action) => !ACTIONS_WITHOUT_RESOURCES.has(action));
          if (target !== '*' || loose.length > 0) {
            offences.push(`${policyId}: ${loose.join(', ')} on ${text}`);
          }
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('gives every function a role of its own without AWS managed policies', () => {
    const functions = ofType('AWS::Lambda::Function');
    const roles = new Set(
      functions.map(([, fn]) =>
        JSON.stringify((fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]),
      ),
    );
    expect(roles.size).toBe(functions.length);
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('retains the data tables and encrypts tables and queues at rest; queues and topics take TLS only', () => {
    for (const [id, table] of ofType('AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy, id).toBe('Retain');
      expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true });
    }
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
    }
    const denials = ofType('AWS::SQS::QueuePolicy')
      .concat(ofType('AWS::SNS::TopicPolicy'))
      .map(([, policy]) => JSON.stringify(policy.Properties.PolicyDocument));
    expect(denials).toHaveLength(ofType('AWS::SQS::Queue').length + ofType('AWS::SNS::Topic').length);
    for (const denial of denials) expect(denial).toContain('"aws:SecureTransport":"false"');
  });

  it('throttles the API stage and writes its access log', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: API_THROTTLING.rateLimit,
      ThrottlingBurstLimit: API_THROTTLING.burstLimit,
    });
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': string[] };
      Format: string;
    };
    expect(resources[DestinationArn['Fn::GetAtt'][0]].Type).toBe('AWS::Logs::LogGroup');
    expect(Object.keys(JSON.parse(Format))).toEqual(expect.arrayContaining(['requestId', 'ip', 'status']));
  });

  it('logs every state-machine transition', () => {
    const [[, machine]] = ofType('AWS::StepFunctions::StateMachine');
    expect(machine.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: false,
    });
  });
});
