import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TableSchema } from '#resources/table-schema.ts';
import { CDK_ROLE_DEPENDENCY, ignoreCfnLintChecks } from './cfn-lint.ts';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** Memory of a function that sets none (MB); Lambda bills duration per GB configured. */
export const DEFAULT_MEMORY_MB = 512;

export interface ServiceFunctionProps {
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly environment: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** A log group shared with other functions (the API's routes); otherwise the function gets its own. */
  readonly logGroup?: logs.ILogGroup;
}

/** A log group as the service keeps its functions' logs: a month, removed with the stack. */
export function serviceLogGroup(scope: Construct, id: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** DynamoDB's data actions a function may be granted on a table and its indexes, by access. */
const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const TABLE_ACTIONS = {
  describe: ['dynamodb:DescribeTable'],
  read: READ_ACTIONS,
  readWrite: [
    ...READ_ACTIONS,
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/**
 * Every Lambda of the service with its defaults baked in: Node 24 (Lambda's newest Node runtime) on
 * arm64, ESM bundle by esbuild, X-Ray tracing, and a log group with a retention (a plain resource,
 * no custom resource): its own, or one it shares. Its role holds no AWS managed policy: it may write its own log
 * group and X-Ray traces, plus what each `bind…` grants.
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = props.logGroup ?? serviceLogGroup(this, 'Logs');
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource-level permissions; test/lib/iam-least-privilege.test.ts allows nothing else on *',
    });
    this.function = new NodejsFunction(this, 'Function', {
      role,
      entry: `${repositoryRoot}${props.entry}`,
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? Duration.minutes(1),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'batch-operations',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        target: 'node24',
        // ESM bundles still meet CommonJS dependencies that call require().
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
    ignoreCfnLintChecks(this.function.node.defaultChild as lambda.CfnFunction, CDK_ROLE_DEPENDENCY);
  }

  /**
   * Gives the function a table's name (under the schema's variable) and read or read/write access
   * (readiness: the table's description only), on the table and on its indexes by name: never
   * `index/*`, and never the stream actions CDK's grantReadData adds.
   */
  bindTable(schema: TableSchema, table: ITable, access: keyof typeof TABLE_ACTIONS): this {
    this.function.addEnvironment(schema.envVar, table.tableName);
    const indexes = access === 'describe' ? [] : schema.globalIndexes;
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: TABLE_ACTIONS[access],
        resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index.indexName}`)],
      }),
    );
    return this;
  }
}
