import { inject } from 'vitest';
import {
  type EmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  startEmbeddedRuntime,
} from '../../local/embedded-runtime.ts';

export type { EmbeddedRuntime };

/**
 * The embedded runtime as `npm start` runs it, with the state machine the CDK app synthesizes
 * (synthesized once per test run by test/global-setup.ts).
 */
export function startRuntime(
  options: Omit<EmbeddedRuntimeOptions, 'stateMachineDefinition'>,
): Promise<EmbeddedRuntime> {
  return startEmbeddedRuntime({ ...options, stateMachineDefinition: inject('stateMachineDefinition') });
}
