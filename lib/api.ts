import { CfnOutput } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { apiRoutes } from './api-routes.ts';
import { ServiceFunction } from './service-function.ts';
import { tableSchemas } from './table-schema.ts';
import type { TableName } from './tables.ts';

export interface ApiProps {
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly stateMachine: sfn.IStateMachine;
  readonly environment: Record<string, string>;
}

/**
 * The HTTP API (API Gateway v2): one Lambda per route of `apiRoutes`, IAM-authorized (callers sign
 * with SigV4; the caller's identity becomes a batch's claims).
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly functions: IFunction[] = [];

  constructor(scope: Construct, id: string, { tables, stateMachine, environment }: ApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', { defaultAuthorizer: new HttpIamAuthorizer() });
    for (const route of apiRoutes) {
      const fn = new ServiceFunction(this, route.id, {
        entry: route.entry,
        environment: { ...environment, STATE_MACHINE_ARN: stateMachine.stateMachineArn },
      });
      for (const name of Object.keys(tableSchemas) as TableName[]) {
        fn.bindTable(tableSchemas[name], tables[name], route.method === 'GET' ? 'read' : 'readWrite');
      }
      this.functions.push(fn.function);
      if (route.id === 'CancelProcessInstancesBatch') stateMachine.grantStartExecution(fn.function);
      this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
      });
    }
    new CfnOutput(this, 'Url', {
      value: this.httpApi.apiEndpoint,
      description: 'Base URL of the batch operations API',
    });
  }
}
