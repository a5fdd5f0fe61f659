import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeAccess } from '../../lib/api.ts';
import { apiRoutes } from '../../lib/api-routes.ts';
import { synthesizeTemplate } from '../../lib/synthesize.ts';
import { tableSchemas } from '../../lib/table-schema.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
}

let resources: Resources;
beforeAll(() => {
  resources = Template.fromJSON(synthesizeTemplate()).toJSON().Resources as Resources;
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
      const expected = routeAccess[routeId].tables;

      // Act
      const { byResource } = grantsOf(routeId);

      // Assess
      for (const name of Object.keys(tableSchemas) as (keyof typeof tableSchemas)[]) {
        const actions = [...(byResource.get(tableId(name)) ?? [])];
        const mode = expected[name];
        if (mode === undefined) expect(actions, name).toEqual([]);
        else expect(actions, name).toContain('dynamodb:GetItem');
        expect(actions.includes('dynamodb:PutItem'), `${name} writable`).toBe(mode === 'readWrite');
      }
    },
  );

  it('let only the batch creation route start executions of the state machine', () => {
    // Act
    const starters = apiRoutes.filter((route) =>
      [...grantsOf(route.id).byResource.values()].some((actions) => actions.has('states:StartExecution')),
    );

    // Assess
    expect(starters.map((route) => route.id)).toEqual(['CancelProcessInstancesBatch']);
  });
});
