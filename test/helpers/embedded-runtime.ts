import { synthesizedStateMachineDefinition } from '../../lib/synthesize.ts';
import {
  type EmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  startEmbeddedRuntime,
} from '../../local/embedded-runtime.ts';

export type { EmbeddedRuntime };

/** The embedded runtime as `npm start` runs it: the state machine the CDK app synthesizes. */
export function startRuntime(
  options: Omit<EmbeddedRuntimeOptions, 'stateMachineDefinition'>,
): Promise<EmbeddedRuntime> {
  return startEmbeddedRuntime({ ...options, stateMachineDefinition: synthesizedStateMachineDefinition() });
}
