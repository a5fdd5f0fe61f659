import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeTemplate } from '../../lib/synthesize.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Variables = Record<string, unknown>;

const CLUSTER = {
  engine: 'camunda8',
  camundaRestAddress: 'https://bru-2.zeebe.camunda.io/4f1c',
  camundaAuthStrategy: 'OAUTH',
  camundaClientId: 'batchops',
  camundaOauthUrl: 'https://login.cloud.camunda.io/oauth/token',
};
const NETWORK = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetIds: 'subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788',
  securityGroupId: 'sg-0a1b2c3d4e5f60718',
};

function synthesized(context: Record<string, unknown>) {
  const template = synthesizeTemplate(context) as {
    Resources: Record<string, Resource>;
    Parameters?: Record<string, { Description?: string }>;
  };
  const functions = Object.values(template.Resources).filter(
    (resource) => resource.Type === 'AWS::Lambda::Function',
  );
  const variables = functions.map((fn) => (fn.Properties.Environment as { Variables: Variables }).Variables);
  return { template, functions, variables };
}

describe("the engine's connection on AWS", () => {
  it('adds nothing to a deployment of the built-in engine', () => {
    const { template, functions, variables } = synthesized({});
    expect(template.Parameters?.EngineSecretName).toBeUndefined();
    expect(variables.every((vars) => vars.ENGINE === undefined && vars.ENGINE_SECRET_ID === undefined)).toBe(
      true,
    );
    expect(functions.every((fn) => fn.Properties.VpcConfig === undefined)).toBe(true);
  });

  it("gives every function the cluster's connection and the secret's name, never the secret itself", () => {
    const { template, variables } = synthesized(CLUSTER);
    expect(template.Parameters?.EngineSecretName?.Description).toContain('CAMUNDA_CLIENT_SECRET');
    for (const vars of variables) {
      expect(vars).toMatchObject({
        ENGINE: 'camunda8',
        CAMUNDA_REST_ADDRESS: CLUSTER.camundaRestAddress,
        CAMUNDA_AUTH_STRATEGY: 'OAUTH',
        CAMUNDA_CLIENT_ID: 'batchops',
        CAMUNDA_OAUTH_URL: CLUSTER.camundaOauthUrl,
        ENGINE_SECRET_ID: { Ref: 'EngineSecretName' },
      });
      expect(vars.CAMUNDA_CLIENT_SECRET).toBeUndefined();
    }
  });

  it('lets every function read that one secret and nothing else of Secrets Manager', () => {
    const { functions } = synthesized(CLUSTER);
    const template = Template.fromJSON(synthesizeTemplate(CLUSTER));
    const grants = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).filter(
        (statement) => JSON.stringify(statement.Action).includes('secretsmanager'),
      ),
    );
    expect(grants).toHaveLength(functions.length);
    for (const grant of grants) {
      expect(grant.Action).toBe('secretsmanager:GetSecretValue');
      expect(JSON.stringify(grant.Resource)).toContain('":secret:",{"Ref":"EngineSecretName"},"-??????"');
    }
  });

  it('names the Basic password as the secret of a cluster signed in to with Basic', () => {
    const { template } = synthesized({
      engine: 'camunda8',
      camundaRestAddress: 'http://10.0.1.5:8080',
      camundaAuthStrategy: 'BASIC',
      camundaBasicAuthUsername: 'batchops',
    });
    expect(template.Parameters?.EngineSecretName?.Description).toContain('CAMUNDA_BASIC_AUTH_PASSWORD');
  });

  it("runs every function in the cluster's subnets with its security group, within the resource limit", () => {
    const { template, functions } = synthesized({ ...CLUSTER, ...NETWORK });
    for (const fn of functions)
      expect(fn.Properties.VpcConfig).toEqual({
        SubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
        SecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
      });
    expect(Object.keys(template.Resources).length).toBeLessThan(490);
  });

  it("lets every function of a Camunda 7 deployment keep the engine's ids in the key-sequences table; others not", () => {
    const keyTableAccess = (context: Record<string, unknown>) => {
      const { functions, variables } = synthesized(context);
      const withTable = variables.filter((vars) => vars.KEY_SEQUENCES_TABLE !== undefined).length;
      return { functions: functions.length, withTable };
    };
    const camunda7 = keyTableAccess({
      engine: 'camunda7',
      camunda7RestUrl: 'http://10.0.1.7:8080/engine-rest',
      camunda7Username: 'batchops',
    });
    expect(camunda7.withTable).toBe(camunda7.functions);
    const camunda8 = keyTableAccess(CLUSTER);
    expect(camunda8.withTable).toBeLessThan(camunda8.functions);
  });

  it('refuses to synthesize a connection the adapter would refuse, or half a network, naming what is missing', () => {
    expect(() => synthesized({ ...CLUSTER, camundaRestAddress: undefined })).toThrow(/CAMUNDA_REST_ADDRESS/);
    expect(() => synthesized({ ...CLUSTER, camundaClientId: undefined })).toThrow(/CAMUNDA_CLIENT_ID/);
    expect(() => synthesized({ engine: 'zeebe' })).toThrow(/ENGINE/);
    expect(() => synthesized({ ...CLUSTER, vpcId: 'vpc-0a1b2c3d4e5f60718' })).toThrow(/subnetIds/);
  });
});
