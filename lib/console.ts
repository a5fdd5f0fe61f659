import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type CfnElement,
  CfnOutput,
  CfnResource,
  DockerImage,
  Duration,
  NestedStack,
  RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { CDK_ROLE_DEPENDENCY, ignoreCfnLintChecks } from './cfn-lint.ts';

const consoleRoot = fileURLToPath(new URL('../console', import.meta.url));
const viteBin = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));

/** What the console reads at start (console/src/api/http.ts): where the API is and how to sign in. */
export interface ConsoleRuntimeConfig {
  apiUrl: string;
  auth: 'basic' | 'bearer';
}

export interface ConsoleProps {
  /** The service's HTTP API: its address goes into config.json, and it answers the console's origin (CORS). */
  readonly httpApi: apigw.HttpApi;
}

/**
 * The web console on AWS: its static files (Vite's build, made locally at synth, no network) in a
 * private S3 bucket, served by CloudFront through origin access control, with `config.json`
 * written at deploy time by the bucket deployment (the API's address, bearer sign-in).
 *
 * A nested stack: the bucket deployment brings CDK's own (Python) custom-resource function, which
 * stays out of the service's template and its rules for the service's functions.
 */
export class ConsoleHosting extends NestedStack {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id, { description: 'Web console of the batch operations service' });
    const bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Batch operations web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
    });
    acknowledgeConsoleFindings(this, this.getLogicalId(bucket.node.defaultChild as CfnElement));
    const runtimeConfig: ConsoleRuntimeConfig = { apiUrl: props.httpApi.apiEndpoint, auth: 'bearer' };
    new s3deploy.BucketDeployment(this, 'Files', {
      destinationBucket: bucket,
      sources: [
        s3deploy.Source.asset(consoleRoot, {
          exclude: ['dist', 'node_modules'],
          bundling: {
            // Never pulled: the local build below always succeeds or fails the synth.
            image: DockerImage.fromRegistry('node:22-alpine'),
            local: { tryBundle: (outputDir) => buildConsole(outputDir) },
          },
        }),
        s3deploy.Source.jsonData('config.json', runtimeConfig),
      ],
      // index.html and config.json change in place; Vite's assets carry a content hash.
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 256,
    });
    // The functions CDK brings here (the deployment's, the bucket's auto-delete provider's).
    for (const construct of this.node.findAll()) {
      if (construct instanceof CfnResource && construct.cfnResourceType === 'AWS::Lambda::Function') {
        ignoreCfnLintChecks(construct, CDK_ROLE_DEPENDENCY);
      }
    }
    // The console calls the API from its CloudFront origin. Bearer tokens travel in a header, never
    // in cookies, so any origin may call: what protects the API is the token, not the origin (and a
    // pinned origin would make the API depend on this nested stack, a cycle).
    const api = props.httpApi.node.defaultChild as apigw.CfnApi;
    api.corsConfiguration = {
      allowOrigins: ['*'],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'accept'],
      allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
      maxAge: Duration.hours(1).toSeconds(),
    };
    new CfnOutput(scope, 'ConsoleUrl', {
      description: 'The web console (sign in with an access token of the API)',
      value: `https://${this.distribution.distributionDomainName}/`,
    });
  }
}

/**
 * What cdk-nag's AwsSolutions rules report on the console hosting, and why each stays: the bucket and
 * the distribution serve the console's static build, public by design and holding no data.
 */
function acknowledgeConsoleFindings(hosting: Construct, bucketId: string) {
  const deployment = "CDK's BucketDeployment handler (aws-cdk-lib chooses its runtime and role)";
  const reasons: Record<string, string> = {
    'AwsSolutions-S1':
      "Static public files of the web console, no data to audit; the API's access logs record every call the console makes",
    'AwsSolutions-CFR3':
      "Static public files of the web console, no data to audit; the API's access logs record every call the console makes",
    'AwsSolutions-CFR1':
      'The console is served wherever the API is; access is controlled by API tokens, not by country',
    'AwsSolutions-CFR2':
      'Static files only, nothing a web ACL would filter; the API behind the console validates and throttles every request (docs/limits.md)',
    'AwsSolutions-CFR4':
      'The default *.cloudfront.net certificate does not allow choosing the minimum TLS version; a custom domain with its own certificate would (TLSv1.2_2021)',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': `${deployment}: its logs`,
    'AwsSolutions-L1': `${deployment}: its runtime is aws-cdk-lib's`,
    'AwsSolutions-IAM5[Resource::*]': `${deployment}: invalidates the distribution's index.html and config.json (CloudFront invalidations take no resource-level permissions)`,
    'AwsSolutions-IAM5[Action::s3:GetObject*]': `${deployment}: reads the console asset`,
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': `${deployment}: reads the console asset`,
    'AwsSolutions-IAM5[Action::s3:List*]': `${deployment}: lists the console bucket to replace its files`,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${deployment}: removes files of an earlier console build`,
    'AwsSolutions-IAM5[Action::s3:Abort*]': `${deployment}: aborts its own failed uploads`,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]': `${deployment}: CDK's staging bucket, where the console asset is uploaded`,
    [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`]: `${deployment}: the console's own bucket`,
  };
  for (const [id, reason] of Object.entries(reasons)) Validations.of(hosting).acknowledge({ id, reason });
}

/** Vite's production build of the console into the asset's output folder (no network). */
function buildConsole(outputDir: string): boolean {
  execFileSync(
    process.execPath,
    [viteBin, 'build', consoleRoot, '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  // config.json comes from the deployment (Source.jsonData), not from the build's embedded default.
  rmSync(`${outputDir}/config.json`, { force: true });
  return true;
}
