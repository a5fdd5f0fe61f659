import { App } from 'aws-cdk-lib';
import { BatchOperationsStack } from '../lib/batch-operations-stack.ts';
import { STACK_NAME } from '../lib/synthesize.ts';

/**
 * The CDK app: one stack. Settings come from context, e.g. `npx cdk deploy -c shardCount=32`; the
 * engine too (`-c engine=camunda8 -c camundaRestAddress=...`, docs/engines.md "On AWS").
 */
const app = new App();
new BatchOperationsStack(app, STACK_NAME, {
  description: 'Batch operations on workflow process instances (Camunda 8 compatible API)',
});
