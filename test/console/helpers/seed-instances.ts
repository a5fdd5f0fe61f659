import { services } from '../../../functions/commons/services.ts';
import { processInstance } from '../../helpers/process-instances.ts';

/**
 * A seeder of the runtime's store for one test file: each call puts `count` instances of a definition
 * of their own (`<prefix>-<n>`) straight into the store, `completed` of them already finished. Keys
 * count up from `firstSequence`, apart from other files'.
 */
export function instanceSeeder(prefix: string, firstSequence: number) {
  let nextSequence = firstSequence;
  return async (count: number, completed = 0) => {
    const processDefinitionId = `${prefix}-${nextSequence}`;
    const instances = Array.from({ length: count }, (_, index) =>
      processInstance(nextSequence++, {
        processDefinitionId,
        ...(index < completed ? { state: 'COMPLETED' as const, endDate: new Date().toISOString() } : {}),
      }),
    );
    await services().instances.putInstances(instances);
    return { processDefinitionId, instances };
  };
}
