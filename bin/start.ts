import { ConfigurationError } from '#commons/config.ts';
import { seedAtStart } from '../cli/seed-at-start.ts';
import { synthesizedStateMachineDefinition } from '../lib/synthesize.ts';
import { startEmbeddedRuntime } from '../local/embedded-runtime.ts';

/**
 * `npm start`: the service on http://127.0.0.1:$PORT with embedded emulators (no Docker, no AWS).
 * DATA_DIR keeps the data across restarts; Ctrl-C stops everything. `npm start -- --seed 10000` fills
 * it with demo data once it is up (see docs/cli.md, `batchops seed`).
 */
// The SDK warns that Node 20 support ends in 2027; the embedded run says which Node it needs in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const port = Number(process.env.PORT ?? 8080);
try {
  const runtime = await startEmbeddedRuntime({
    port,
    dataDir: process.env.DATA_DIR,
    // The state machine exactly as `cdk synth` makes it.
    stateMachineDefinition: synthesizedStateMachineDefinition(),
  });
  console.log(`Batch operations service on ${runtime.url} (data in ${runtime.dataDir}). Ctrl-C stops it.`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await seedAtStart(process.argv.slice(2), runtime.url);
} catch (error) {
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(1);
}
