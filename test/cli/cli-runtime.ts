import {
  type EmbeddedRuntime,
  type EmbeddedRuntimeOptions,
  startEmbeddedRuntime,
} from '../../local/embedded-runtime.ts';

export type { EmbeddedRuntime };

/**
 * The embedded runtime the CLI tests talk to, on a free loopback port. The one place these tests
 * start it: where the runtime's options change (main hands it the synthesized state machine through
 * test/helpers/embedded-runtime.ts), only this wrapper follows.
 */
export function startCliRuntime(options: Omit<EmbeddedRuntimeOptions, 'port'>): Promise<EmbeddedRuntime> {
  return startEmbeddedRuntime({ port: 0, ...options });
}
