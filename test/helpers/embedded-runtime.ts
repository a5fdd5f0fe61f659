import { inject } from 'vitest';
import {
  type EmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  startEmbeddedRuntime,
} from '../../local/embedded-runtime.ts';
import { sharedEmulators } from './emulators.ts';

export type { EmbeddedRuntime };

/**
 * The embedded runtime as `npm start` runs it, with the state machine the CDK app synthesizes
 * (synthesized once per test run by test/global-setup.ts), on the run's shared emulators under a
 * namespace of its own; with a `dataDir`, on emulators of its own, as `npm start` with DATA_DIR.
 */
export function startRuntime(
  options: Omit<EmbeddedRuntimeOptions, 'stateMachineDefinition' | 'sharedEmulators'>,
): Promise<EmbeddedRuntime> {
  return startEmbeddedRuntime({
    ...options,
    stateMachineDefinition: inject('stateMachineDefinition'),
    sharedEmulators: options.dataDir === undefined ? sharedEmulators() : undefined,
  });
}
