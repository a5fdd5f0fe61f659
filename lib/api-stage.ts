import { RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The API stage's default route throttling: a token bucket per stage (HTTP APIs throttle per route,
 * not per caller). Well under the account's 10,000 requests/s so that one runaway client cannot take
 * the account's whole quota, well above what a batch-driving client sends.
 */
export const API_THROTTLING = { rateLimit: 1000, burstLimit: 2000 } as const;

/**
 * Hardens the HTTP API's `$default` stage: default route throttling and access logs (who called what,
 * with which result) in a log group of their own.
 */
export class ApiStageProtection extends Construct {
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, httpApi: apigw.HttpApi) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = httpApi.defaultStage?.node.defaultChild as apigw.CfnStage;
    stage.defaultRouteSettings = {
      throttlingRateLimit: API_THROTTLING.rateLimit,
      throttlingBurstLimit: API_THROTTLING.burstLimit,
    };
    stage.accessLogSettings = {
      destinationArn: this.accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        principal: '$context.authorizer.claims.sub',
        method: '$context.httpMethod',
        path: '$context.path',
        routeKey: '$context.routeKey',
        status: '$context.status',
        responseLength: '$context.responseLength',
        latencyMs: '$context.responseLatency',
        error: '$context.error.message',
      }),
    };
  }
}
