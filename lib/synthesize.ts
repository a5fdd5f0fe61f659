import { App } from 'aws-cdk-lib';
import { BatchOperationsStack } from './batch-operations-stack.ts';

export const STACK_NAME = 'BatchOperations';

/**
 * The stack's CloudFormation template, synthesized in memory with asset bundling skipped (fast and
 * offline): the embedded runtime takes the state machine definition from it, and tests assert on it.
 */
export function synthesizeTemplate(context: Record<string, unknown> = {}): Record<string, unknown> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new BatchOperationsStack(app, STACK_NAME);
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}
