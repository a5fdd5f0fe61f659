import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#resources/api-routes.ts';
import { tableSchemas } from '#resources/table-schema.ts';
import { routeAccess, tablesOf } from '../../lib/api.ts';
import { STREAMING_ROUTE_TIMEOUT } from '../../lib/streaming-route.ts';
import { synthesizeTemplate } from '../../lib/synthesize.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
}

let template: Template;
let resources: Resources;
beforeAll(() => {
  template = Template.fromJSON(synthesizeTemplate());
  resources = template.toJSON().Resources as Resources;
});

const logicalId = (prefix: string, type: string) => {
  const found = Object.keys(resources).filter((id) => id.startsWith(prefix) && resources[id].Type === type);
  expect(found, `${type} starting with ${prefix}`).toHaveLength(1);
  return found[0];
};

/** The IAM actions the function of an API route is granted, per table logical id (or '*' for others). */
function grantsOf(routeId: string): { byResource: Map<string, Set<string>>; env: Record<string, unknown> } {
  const fn = resources[logicalId(`Api${routeId}Function`, 'AWS::Lambda::Function')];
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const byResource = new Map<string, Set<string>>();
  for (const policy of Object.values(resources)) {
    if (policy.Type !== 'AWS::IAM::Policy') continue;
    if (
      !(policy.Properties.Roles as unknown[]).some(
        (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: role }),
      )
    ) {
      continue;
    }
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    for (const { Action, Resource } of statements) {
      const targets = JSON.stringify(Resource).match(/"Tables[A-Za-z0-9]+"/g) ?? ['*'];
      for (const target of targets) {
        const key = target.replaceAll('"', '');
        const actions = byResource.get(key) ?? new Set<string>();
        for (const action of [Action].flat()) actions.add(action);
        byResource.set(key, actions);
      }
    }
  }
  return { byResource, env: (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables };
}

const tableId = (name: keyof typeof tableSchemas) =>
  logicalId(`Tables${tableSchemas[name].id}`, 'AWS::DynamoDB::Table');

describe('the HTTP API functions', () => {
  it('declares the access of every route of the API', () => {
    // Prepare
    const routeIds = apiRoutes.map((route) => route.id);

    // Act
    const declared = Object.keys(routeAccess);

    // Assess
    expect(declared.sort()).toEqual([...routeIds].sort());
  });

  it('give every function the names of all tables and the state machine ARN', () => {
    for (const route of apiRoutes) {
      // Act
      const { env } = grantsOf(route.id);

      // Assess
      for (const schema of Object.values(tableSchemas)) expect(env).toHaveProperty(schema.envVar);
      expect(env).toHaveProperty('STATE_MACHINE_ARN');
    }
  });

  it.each(apiRoutes.map((route) => [route.id]))(
    'grant %s exactly the table access its route declares',
    (routeId) => {
      // Prepare
      const expected = tablesOf(routeAccess[routeId]);

      // Act
      const { byResource } = grantsOf(routeId);

      // Assess
      for (const name of Object.keys(tableSchemas) as (keyof typeof tableSchemas)[]) {
        const actions = [...(byResource.get(tableId(name)) ?? [])];
        const mode = expected[name];
        if (mode === undefined) expect(actions, name).toEqual([]);
        else if (mode === 'describe') expect(actions, name).toEqual(['dynamodb:DescribeTable']);
        else expect(actions, name).toContain('dynamodb:GetItem');
        expect(actions.includes('dynamodb:PutItem'), `${name} writable`).toBe(mode === 'readWrite');
      }
    },
  );

  it('route the job update with PATCH, as Camunda does', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'PATCH /v2/jobs/{jobKey}' });
  });

  it('let only the batch creation routes (and the start of a scheduled batch) start executions of the state machine', () => {
    // Act
    const starters = apiRoutes.filter((route) =>
      [...grantsOf(route.id).byResource.values()].some((actions) => actions.has('states:StartExecution')),
    );

    // Assess
    expect(starters.map((route) => route.id).sort()).toEqual(
      [
        'CancelProcessInstancesBatch',
        'DeleteProcessInstancesBatch',
        'MigrateProcessInstancesBatch',
        'ModifyProcessInstancesBatch',
        'ResolveIncidentsBatch',
        'RestartProcessInstancesBatch',
        'ResumeProcessInstancesBatch',
        'RetryFailedItems',
        'SetExternalTaskRetriesBatch',
        'SetJobRetriesBatch',
        'SetVariablesBatch',
        'StartBatchOperation',
        'SuspendProcessInstancesBatch',
        'UpdateJobsBatch',
      ].sort(),
    );
  });
});

describe('the streaming routes', () => {
  const streamingRoutes = apiRoutes.filter((route) => route.streaming);

  it('include the batch report', () => {
    expect(streamingRoutes.map((route) => route.id)).toEqual(['GetBatchOperationReport']);
  });

  it.each(streamingRoutes.map((route) => [route.id, route]))(
    'serve %s from its function URL in RESPONSE_STREAM mode, IAM-authorized, not through the HTTP API',
    (routeId, route) => {
      // Prepare
      const functionId = logicalId(`Api${routeId}Function`, 'AWS::Lambda::Function');

      // Act
      const urls = template.findResources('AWS::Lambda::Url', {
        Properties: { TargetFunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] } },
      });
      const httpApiRoutes = template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: `${route.method} ${route.path}` },
      });

      // Assess
      expect(Object.values(urls).map((url) => url.Properties)).toEqual([
        {
          TargetFunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          AuthType: 'AWS_IAM',
          InvokeMode: 'RESPONSE_STREAM',
        },
      ]);
      expect(httpApiRoutes).toEqual({});
      expect(resources[functionId].Properties.Timeout).toBe(STREAMING_ROUTE_TIMEOUT.toSeconds());
    },
  );

  it('publish the function URL as a stack output', () => {
    // Act
    const outputs = Object.values(template.toJSON().Outputs as Record<string, { Value: unknown }>);

    // Assess
    const urlId = logicalId('ApiGetBatchOperationReportRoute', 'AWS::Lambda::Url');
    expect(outputs.map((output) => output.Value)).toContainEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
  });
});
