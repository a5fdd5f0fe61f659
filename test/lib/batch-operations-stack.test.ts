import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#resources/api-routes.ts';
import {
  CHUNK_MAX_RECEIVE_COUNT,
  CHUNK_VISIBILITY_TIMEOUT_SECONDS,
} from '#resources/chunk-queue-settings.ts';
import { BATCHES_BY_START_DATE_INDEX, tableSchemas } from '#resources/table-schema.ts';
import {
  PARK_SECONDS,
  TASK_TIMEOUT_SECONDS,
  type WorkflowTask,
  workflowTasks,
} from '#resources/workflow-tasks.ts';
import { routeAccess } from '../../lib/api.ts';
import { synthesizeTemplate } from '../../lib/synthesize.ts';

let template: Template;
beforeAll(() => {
  template = Template.fromJSON(synthesizeTemplate());
});

function stateMachineDefinition(): { StartAt: string; States: Record<string, Record<string, unknown>> } {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const join = machine.Properties.DefinitionString['Fn::Join'] as [string, unknown[]];
  // Tokens (function ARNs, the partition) sit inside JSON strings: each becomes the text ARN.
  return JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : 'ARN')).join(''));
}

describe('BatchOperationsStack', () => {
  it('has a FIFO chunk queue without content-based deduplication and a FIFO dead-letter queue behind it', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      VisibilityTimeout: CHUNK_VISIBILITY_TIMEOUT_SECONDS,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: CHUNK_MAX_RECEIVE_COUNT },
    });
  });

  it('feeds the worker from the queue, and the dead-chunk accounting from the DLQ, one chunk at a time', () => {
    // A poison chunk must not take the healthy chunks of its batch to the DLQ with it.
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
    });
  });

  it('creates every table on demand, with point-in-time recovery and encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tableSchemas).length);
    for (const [_, table] of Object.entries(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it('gives the instances table the per-shard indexes the query planner uses, keys only (a state change writes no index)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'processInstanceKey', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: tableSchemas.processInstances.globalIndexes.map((index) =>
        Match.objectLike({ IndexName: index.indexName, Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ),
    });
  });

  it('lets recorded chunk records of the batch items table expire (TTL)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'batchOperationKey', KeyType: 'HASH' },
        { AttributeName: 'chunk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('gives the batches table its sparse index of batch records by start date, for batch search', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'batchOperationKey', KeyType: 'HASH' },
        { AttributeName: 'record', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: BATCHES_BY_START_DATE_INDEX,
          KeySchema: [
            { AttributeName: 'record', KeyType: 'HASH' },
            { AttributeName: 'startDate', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('runs every function on Node 22 and arm64 with active tracing', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    // API routes, workflow tasks, the worker, the recovery sweep, the dead-chunk accounting and the
    // runner of the batches' one-time schedules.
    expect(functions.length).toBe(apiRoutes.length + Object.keys(workflowTasks).length + 4);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('routes every API path but the streaming ones (test/lib/api.test.ts) to its own function behind the JWT authorizer, health, status and the OpenAPI description without', () => {
    for (const route of apiRoutes.filter((candidate) => !candidate.streaming)) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: routeAccess[route.id].public ? 'NONE' : 'JWT',
      });
    }
    expect(apiRoutes.filter((route) => routeAccess[route.id].public).map((route) => route.path)).toEqual([
      '/v2/license',
      '/v2/status',
      '/v2/extensions/openapi.json',
      '/v2/extensions/health/liveness',
      '/v2/extensions/health/readiness',
    ]);
    // The same rule on both sides: what API Gateway leaves open is what the handlers leave open.
    expect(apiRoutes.filter((route) => route.access.kind === 'public').map((route) => route.id)).toEqual(
      apiRoutes.filter((route) => routeAccess[route.id].public).map((route) => route.id),
    );
  });

  it('accepts bearer tokens of the issuer and audiences given as stack parameters', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: { Ref: 'JwtIssuer' }, Audience: { Ref: 'JwtAudience' } },
    });
    template.hasParameter('JwtIssuer', { Type: 'String' });
    template.hasParameter('JwtAudience', { Type: 'CommaDelimitedList' });
  });

  it('shows the four phases as the state machine top-level states, each task a Lambda returning its payload', () => {
    const definition = stateMachineDefinition();
    expect(definition.StartAt).toBe('Creation');
    expect(Object.keys(definition.States)).toEqual(
      expect.arrayContaining(['Creation', 'Initialization', 'Execution', 'Completion']),
    );
    expect(definition.States.Initialization.Type).toBe('Map');
    expect(definition.States.Execution.Type).toBe('Parallel');
    // payloadResponseOnly: the resource is the function itself, not the lambda:invoke integration.
    expect(definition.States.Creation.Resource).toBe('ARN');
    expect(definition.States.Completion.Resource).toBe('ARN');
  });

  it('parks a suspended batch on a task token instead of polling, then dispatches its chunks again', () => {
    const branch = stateMachineDefinition().States.Execution.Branches as {
      States: Record<
        string,
        { Type: string; Resource?: string; Next?: string; Choices?: { Next: string }[] }
      >;
    }[];
    const states = branch[0].States;
    expect(states['All shards finished?'].Choices?.map((choice) => choice.Next)).toContain(
      'Await resumption',
    );
    expect(states['Await resumption'].Resource).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(states['Await resumption'].Next).toBe('Dispatch chunks');
  });

  it('bounds every Lambda task by its function timeout, and parks a suspension again past its wait', () => {
    const timeouts: Record<string, number> = {};
    const collect = (states: Record<string, Record<string, unknown>>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') timeouts[name] = state.TimeoutSeconds as number;
        for (const branch of (state.Branches ?? []) as { States: typeof states }[]) collect(branch.States);
        if (state.ItemProcessor) collect((state.ItemProcessor as { States: typeof states }).States);
      }
    };
    collect(stateMachineDefinition().States);
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    const functionTimeout = (task: WorkflowTask) =>
      functions.find(([logicalId]) => logicalId.startsWith(`${task.id}Function`))?.[1].Properties.Timeout;

    const expected = Object.fromEntries(
      Object.values(workflowTasks).map((task: WorkflowTask) => [
        task.stateName,
        task.waitsForTaskToken ? PARK_SECONDS : (task.timeoutSeconds ?? TASK_TIMEOUT_SECONDS),
      ]),
    );
    expect(timeouts).toEqual(expected);
    for (const task of Object.values(workflowTasks) as WorkflowTask[])
      if (!task.waitsForTaskToken) expect(functionTimeout(task)).toBe(timeouts[task.stateName]);
    const branch = stateMachineDefinition().States.Execution.Branches as {
      States: Record<string, { Catch?: { ErrorEquals: string[]; Next: string }[] }>;
    }[];
    expect(branch[0].States['Await resumption'].Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Await resumption' },
    ]);
  });

  it('logs every state machine transition without execution data, with tracing on', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('passes the validated settings from context to the functions', () => {
    const custom = Template.fromJSON(synthesizeTemplate({ shardCount: 16 }));
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SHARD_COUNT: '16', CHUNK_SIZE: '100' }) },
    });
  });

  it('caps the worker at two invocations per shard: two batches side by side at full speed', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 16 },
    });
    const custom = Template.fromJSON(synthesizeTemplate({ shardCount: 16 }));
    custom.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 32 },
    });
  });

  it('pre-warms the instance and batch item tables only when the warmThroughput setting asks', () => {
    const warmed = (t: Template) =>
      Object.values(t.findResources('AWS::DynamoDB::Table'))
        .map((table) => table.Properties.WarmThroughput)
        .filter((warm) => warm !== undefined);
    expect(warmed(template)).toEqual([]);
    expect(warmed(Template.fromJSON(synthesizeTemplate({ warmThroughput: 'true' })))).toEqual(
      expect.arrayContaining([
        { WriteUnitsPerSecond: 40_000, ReadUnitsPerSecond: 40_000 },
        { WriteUnitsPerSecond: 8_000, ReadUnitsPerSecond: 12_000 },
      ]),
    );
  });

  it('refuses to synthesize with an invalid setting, naming it', () => {
    expect(() => synthesizeTemplate({ shardCount: 0 })).toThrow(/SHARD_COUNT/);
  });
});
