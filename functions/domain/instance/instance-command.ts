import type { ProcessInstance, ProcessInstanceState } from './process-instance.ts';

/**
 * A change to one instance, written by the store in one conditional write: it applies only while the
 * instance is in one of `requiredStates` and has not been changed by the same batch before.
 */
export interface InstanceCommand {
  readonly requiredStates: readonly ProcessInstanceState[];
  readonly set: Partial<Pick<ProcessInstance, 'state' | 'endDate' | 'suspendedDate' | 'cancellation'>>;
}
