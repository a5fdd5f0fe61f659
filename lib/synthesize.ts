import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { BatchOperationsStack } from './batch-operations-stack.ts';

export const STACK_NAME = 'BatchOperations';

/**
 * The stack's CloudFormation template, synthesized in memory with asset bundling skipped (fast and
 * offline): the embedded runtime takes the state machine definition from it, and tests assert on it.
 */
export function synthesizeTemplate(context: Record<string, unknown> = {}): Record<string, unknown> {
  const { app, stack } = appWithoutBundling(context);
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}

/**
 * The cloud assembly, bundling skipped, written to `outdir`: the paths of its CloudFormation templates,
 * the stack's and its nested stacks' (the templates are those `cdk synth` writes, but for asset hashes).
 */
export function synthesizeTemplateFiles(outdir: string, context: Record<string, unknown> = {}): string[] {
  const assembly = appWithoutBundling(context, outdir).app.synth();
  return readdirSync(assembly.directory)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => join(assembly.directory, file));
}

function appWithoutBundling(context: Record<string, unknown>, outdir?: string) {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return { app, stack: new BatchOperationsStack(app, STACK_NAME) };
}

type TemplateValue =
  | string
  | { 'Fn::Join'?: [string, TemplateValue[]]; 'Fn::GetAtt'?: [string, string]; Ref?: string };

/**
 * The state machine definition exactly as the CDK app synthesizes it, with CloudFormation's
 * references resolved to local placeholders (Lambda ARNs carry the function's logical id).
 */
export function synthesizedStateMachineDefinition(
  context: Record<string, unknown> = {},
): Record<string, unknown> {
  const template = synthesizeTemplate(context) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const machines = Object.values(template.Resources).filter(
    (resource) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (machines.length !== 1)
    throw new Error(`Expected one state machine in the template, found ${machines.length}`);
  const definition = resolveValue(machines[0].Properties.DefinitionString as TemplateValue);
  return JSON.parse(definition) as Record<string, unknown>;
}

function resolveValue(value: TemplateValue): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(resolveValue).join(separator);
  }
  if (value['Fn::GetAtt']) return `arn:aws:lambda:us-east-1:000000000000:function:${value['Fn::GetAtt'][0]}`;
  if (value.Ref === 'AWS::Partition') return 'aws';
  if (value.Ref === 'AWS::Region') return 'us-east-1';
  if (value.Ref === 'AWS::AccountId') return '000000000000';
  throw new Error(`Cannot resolve ${JSON.stringify(value)} in the state machine definition`);
}
