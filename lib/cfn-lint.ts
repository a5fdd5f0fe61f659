import type { CfnResource } from 'aws-cdk-lib';

/**
 * cfn-lint rules a resource does not meet, by rule id with the reason (`npm run check:stack` lints
 * every synthesized template; docs/testing.md): written into the resource's metadata, where cfn-lint
 * reads them, as cdk-nag's acknowledgements sit beside their constructs.
 */
export function ignoreCfnLintChecks(resource: CfnResource, reasons: Record<string, string>): void {
  resource.addMetadata('cfn-lint', { config: { ignore_checks: Object.keys(reasons) }, reasons });
}

/**
 * W3005 on what CDK makes: a function or a state machine names its role both in a GetAtt and in a
 * DependsOn (CDK adds the construct dependency so the role's policy exists before the first run; the
 * role half of it is what the GetAtt already orders). Redundant, harmless, and not removable from outside.
 */
export const CDK_ROLE_DEPENDENCY = {
  W3005:
    "CDK's own DependsOn on the role that the GetAtt already orders (aws-cdk-lib adds it with the role's policy)",
};
