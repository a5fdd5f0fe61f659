import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the web console (Vite) when console/dist is missing or older than its sources.
    globalSetup: ['console/build-if-needed.ts'],
    // Each file starts its own emulators; forks keep module singletons (clients, config) per file.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Quiet output: EMF lines to stdout off (the embedded runtime collects its own), logs from WARN up.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
  },
});
