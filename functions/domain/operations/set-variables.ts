import { z } from 'zod';
import { operationRequestSchema } from '#wire/batch-requests.ts';
import { variablesSchema } from '#wire/variables.ts';
import { withVariables } from '../instance/engine-step.ts';
import { unstorableValueIn } from '../limits.ts';
import { markedBy, type StepOperation } from './operation-handler.ts';

/** Extension (Camunda 7's set-variables batch): the variables to set, a map of JSON values. */
export const setVariablesParametersSchema = z
  .object({
    variables: variablesSchema(z.string().min(1))
      .refine((variables) => Object.keys(variables).length > 0, 'must name at least one variable')
      .superRefine((variables, context) => {
        const unstorable = unstorableValueIn(variables, 'variables');
        if (unstorable) context.addIssue({ code: 'custom', message: unstorable });
      })
      .meta({ minProperties: 1 }), // the refinement, as the OpenAPI document states it
  })
  .strict();

/**
 * Set variables (an extension; Camunda 7's set-variables batch, asked of Camunda 8 in camunda/camunda
 * #27408 and #29883): every variable of the request is set on the instance's root scope, replacing a
 * variable of the same name. Only an ACTIVE or SUSPENDED instance takes them. One engine step on the instance.
 */
export const setVariables: StepOperation = {
  kind: 'step',
  type: 'SET_VARIABLES',
  permission: 'CREATE_BATCH_OPERATION_SET_VARIABLES',
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/extensions/process-instances/variables',
    routeId: 'SetVariablesBatch',
    body: operationRequestSchema(setVariablesParametersSchema),
  },
  decide(_deps, instance, context) {
    const { variables } = setVariablesParametersSchema.parse(context.parameters);
    // Camunda 8.10 lets variables of a suspended instance be updated.
    if (instance.state !== 'ACTIVE' && instance.state !== 'SUSPENDED') {
      return Promise.resolve({
        refused: `Expected to set variables of process instance with key '${instance.processInstanceKey}', but it is ${instance.state}: only ACTIVE and SUSPENDED instances take variables`,
      });
    }
    const after = markedBy(withVariables(instance, variables), context.batchOperationKey);
    return Promise.resolve({ change: { instance: { before: instance, after } } });
  },
  missing: (key) =>
    `Expected to set variables of process instance with key '${key}', but no such process instance was found`,
};
