import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ApiRoute } from '#resources/api-routes.ts';

/**
 * A streaming route's function gets the time to send a large body: after the first 6 MB Lambda
 * streams at most 2 MB/s, so the 200 MB a streamed response may hold take about 100 s.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
 */
export const STREAMING_ROUTE_TIMEOUT = Duration.minutes(15);

/**
 * A `streaming` route on AWS: the route's function behind its own function URL in RESPONSE_STREAM
 * mode (API Gateway HTTP APIs cannot stream a Lambda response), IAM-authorized like the HTTP API.
 * Callers sign with SigV4 for the service `lambda` and need lambda:InvokeFunctionUrl and
 * lambda:InvokeFunction on the function (`grantInvokeUrl` grants both).
 */
export class StreamingRoute extends Construct {
  readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: { route: ApiRoute; function: lambda.IFunction }) {
    super(scope, id);
    this.url = new lambda.FunctionUrl(this, 'FunctionUrl', {
      function: props.function,
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
    new CfnOutput(this, 'Url', {
      value: this.url.url,
      description: `Base URL of ${props.route.method} ${props.route.path} (streamed; SigV4 for the service lambda)`,
    });
  }
}
