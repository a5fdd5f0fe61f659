import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own emulators; forks keep module singletons (clients, config) per file.
    pool: 'forks',
    // Two files at a time on a 2-core machine: the end-to-end files mostly wait on polls and emulators.
    maxWorkers: 2,
    // Before any file runs: the web console is built when console/dist is missing or older than its
    // sources, and the stack is synthesized once (the embedded runtime's state machine).
    globalSetup: ['console/build-if-needed.ts', 'test/global-setup.ts'],
    testTimeout: 60_000,
    // Starting an embedded runtime (DynamoDB Local's JVM among it) takes long on a loaded machine.
    hookTimeout: 300_000,
    // Quiet output: EMF lines to stdout off (the embedded runtime collects its own), logs from WARN up.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
  },
});
