import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchOperationsStack } from '../../lib/batch-operations-stack.ts';
import type { ConsoleHosting } from '../../lib/console.ts';
import { STACK_NAME } from '../../lib/synthesize.ts';

let service: Template;
let hosting: Template;
beforeAll(() => {
  // Bundling skipped, as in lib/synthesize.ts: no Vite build, no esbuild.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BatchOperationsStack(app, STACK_NAME);
  service = Template.fromStack(stack);
  hosting = Template.fromStack(stack.node.findChild('Console') as ConsoleHosting);
});

describe('the web console on AWS', () => {
  it('keeps its files in a private, encrypted bucket that only CloudFront reads, through origin access control', () => {
    hosting.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
    });
    hosting.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    hosting.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    hosting.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('serves index.html over HTTPS only', () => {
    hosting.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });

  it("writes config.json at deploy time with the API's address and bearer sign-in", () => {
    const deployments = hosting.findResources('Custom::CDKBucketDeployment');
    const [deployment] = Object.values(deployments);
    expect(Object.keys(deployments)).toHaveLength(1);
    const { SourceMarkers, SourceObjectKeys } = deployment.Properties;
    expect(SourceObjectKeys).toHaveLength(2);
    // Source.jsonData: the file is an asset with a marker that the deployment replaces by the value,
    // here the nested stack's parameter that the service stack fills with the API's endpoint.
    const parameter = JSON.stringify(SourceMarkers).match(/"Ref":"([^"]+)"/)?.[1] as string;
    expect(parameter).toMatch(/HttpApi/);
    const [nested] = Object.values(service.findResources('AWS::CloudFormation::Stack'));
    const [apiId] = Object.keys(service.findResources('AWS::ApiGatewayV2::Api'));
    expect(nested.Properties.Parameters[parameter]).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    expect(deployment.Properties.DistributionPaths).toEqual(['/index.html', '/config.json']);
  });

  it('lets the API answer the console (CORS for the Authorization header) and outputs the console URL', () => {
    service.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['*'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type']),
      }),
    });
    service.resourceCountIs('AWS::CloudFormation::Stack', 1);
    expect(Object.keys(service.findOutputs('*')).some((id) => id.startsWith('ConsoleUrl'))).toBe(true);
  });
});
