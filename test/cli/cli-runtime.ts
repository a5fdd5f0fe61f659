import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

export type { EmbeddedRuntime };

/** The embedded runtime the CLI tests talk to, on a free loopback port. */
export function startCliRuntime(
  options: Omit<Parameters<typeof startRuntime>[0], 'port'>,
): Promise<EmbeddedRuntime> {
  return startRuntime({ port: 0, ...options });
}
