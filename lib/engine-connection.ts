import { ArnFormat, Aspects, CfnParameter, type IAspect, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { camunda7ConnectionFromEnvironment } from '#adapters/camunda7/camunda7-config.ts';
import { camunda8ConnectionFromEnvironment } from '#adapters/camunda8/camunda8-config.ts';
import { readConfig } from '#commons/config.ts';
import { engineSecretVariable } from '#commons/engine-secret.ts';
import { tableSchemas } from '#resources/table-schema.ts';
import { ServiceFunction } from './service-function.ts';

/** CDK context keys of the engine's connection and the variables they become (docs/engines.md, "On AWS"). */
const ENGINE_CONTEXT = {
  engine: 'ENGINE',
  camundaRestAddress: 'CAMUNDA_REST_ADDRESS',
  camundaAuthStrategy: 'CAMUNDA_AUTH_STRATEGY',
  camundaClientId: 'CAMUNDA_CLIENT_ID',
  camundaOauthUrl: 'CAMUNDA_OAUTH_URL',
  camundaTokenAudience: 'CAMUNDA_TOKEN_AUDIENCE',
  camundaBasicAuthUsername: 'CAMUNDA_BASIC_AUTH_USERNAME',
  camunda7RestUrl: 'CAMUNDA7_REST_URL',
  camunda7Username: 'CAMUNDA7_USERNAME',
} as const;

/** What a function needs to attach to a VPC (AWSLambdaVPCAccessExecutionRole's actions, which take no resource). */
const VPC_ACCESS_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** The cluster's network, from context: the functions run in its subnets with its security group. */
interface EngineNetwork {
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
}

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value.map(String) : String(value ?? '').split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '');

/**
 * The engine a deployment acts on, from CDK context: its variables for every function (ENGINE and the
 * connection, checked at synth as the runtime checks them), the secret's name as a stack parameter
 * (`EngineSecretName`: a Secrets Manager secret the functions read at cold start, never its value in
 * their configuration), and, with `vpcId`, `subnetIds` and `securityGroupId`, the functions in the
 * cluster's VPC. The built-in engine (no context) adds nothing.
 */
export class EngineConnection extends Construct {
  readonly environment: Record<string, string> = {};

  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const [contextKey, variable] of Object.entries(ENGINE_CONTEXT)) {
      const value = this.node.tryGetContext(contextKey);
      if (value !== undefined) this.environment[variable] = String(value);
    }
    // ENGINE's value as the runtime checks it.
    readConfig(this.environment);
    const stack = Stack.of(this);
    const secretVariable = engineSecretVariable(this.environment);
    checkConnection(this.environment, secretVariable);
    let secretArn: string | undefined;
    if (secretVariable) {
      const secretName = new CfnParameter(stack, 'EngineSecretName', {
        type: 'String',
        minLength: 1,
        description: `Name of the Secrets Manager secret whose string value is the engine's ${secretVariable}`,
      }).valueAsString;
      Validations.of(stack).acknowledge({
        id: 'CloudFormation-Validate::W2509',
        reason: "EngineSecretName is the secret's name, not its value: nothing to hide (NoEcho)",
      });
      this.environment.ENGINE_SECRET_ID = secretName;
      // Secrets Manager appends six random characters to a secret's name in its ARN.
      secretArn = stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${secretName}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    }
    const network = networkFromContext(this);
    Aspects.of(stack).add(new EngineAccess(secretArn, network));
  }

  /**
   * A Camunda 7 engine's string ids reach Camunda 8's key fields as surrogate keys remembered in the
   * key-sequences table (functions/adapters/camunda7/engine-keys.ts): every function that may read or
   * select the engine's records writes and reads them there. Other engines need nothing.
   */
  rememberEngineIdsIn(keySequences: ITable): void {
    if (this.environment.ENGINE !== 'camunda7') return;
    Aspects.of(Stack.of(this)).add({
      visit(node: IConstruct) {
        if (node instanceof ServiceFunction)
          node.bindTable(tableSchemas.keySequences, keySequences, 'readWrite');
      },
    });
  }
}

/** The connection checked as the adapter checks it at start, the secret stood in for: a missing setting stops synth. */
function checkConnection(environment: Record<string, string>, secretVariable: string | undefined): void {
  const withSecret = {
    ...environment,
    ...(secretVariable ? { [secretVariable]: 'from Secrets Manager' } : {}),
  };
  try {
    if (environment.ENGINE === 'camunda8') camunda8ConnectionFromEnvironment(withSecret);
    if (environment.ENGINE === 'camunda7') camunda7ConnectionFromEnvironment(withSecret);
  } catch (error) {
    throw new Error(`${(error as Error).message} (CDK context: ${Object.keys(ENGINE_CONTEXT).join(', ')})`);
  }
}

function networkFromContext(scope: Construct): EngineNetwork | undefined {
  const vpcId = scope.node.tryGetContext('vpcId');
  const subnetIds = listOf(scope.node.tryGetContext('subnetIds'));
  const securityGroupId = scope.node.tryGetContext('securityGroupId');
  if (vpcId === undefined && subnetIds.length === 0 && securityGroupId === undefined) return undefined;
  if (!vpcId || subnetIds.length === 0 || !securityGroupId)
    throw new Error(
      'The engine network needs all of vpcId, subnetIds (comma-separated) and securityGroupId as CDK context',
    );
  return { vpcId: String(vpcId), subnetIds, securityGroupId: String(securityGroupId) };
}

/** Gives every function of the service the engine's secret to read and, with a network, a place in the cluster's VPC. */
class EngineAccess implements IAspect {
  constructor(
    private readonly secretArn: string | undefined,
    private readonly network: EngineNetwork | undefined,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof ServiceFunction)) return;
    const fn = node.function;
    if (this.secretArn)
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secretArn] }),
      );
    if (!this.network) return;
    // The VPC's subnets and security group are the operator's: referenced by id, not looked up, so
    // that synth stays offline (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
    (fn.node.defaultChild as lambda.CfnFunction).vpcConfig = {
      subnetIds: this.network.subnetIds,
      securityGroupIds: [this.network.securityGroupId],
    };
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: VPC_ACCESS_ACTIONS, resources: ['*'] }));
    Validations.of(fn.role ?? fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `Lambda's network interfaces in VPC ${this.network.vpcId}: the EC2 actions of AWSLambdaVPCAccessExecutionRole, which take no resource-level permissions`,
    });
  }
}
