import { ConfigurationError } from '#commons/config.ts';
import { DataDirLockedError, lockDataDir } from '../local/data-dir-lock.ts';
import type { EmbeddedRuntime } from '../local/embedded-runtime.ts';

/**
 * `npm start`: the service on http://127.0.0.1:$PORT with embedded emulators (no Docker, no AWS).
 * DATA_DIR keeps the data across restarts; only one runtime at a time may use it.
 *
 * SIGINT (Ctrl-C) or SIGTERM stops it in order: no new work, the work in flight finished or left
 * pending, then the emulators (local/embedded-runtime.ts). A second signal forces it. `npm start`
 * runs this file with `exec node` (package.json), so a signal to npm reaches this process directly.
 *
 * Exit codes: 0 stopped by a signal after an orderly stop; 1 failed to start (or to stop);
 * 2 DATA_DIR is in use by another runtime; 130 forced by a second signal.
 * `npm start -- --seed 10000` fills it with demo data once it is up (see docs/cli.md, `batchops seed`).
 */
const EXIT = { stopped: 0, failed: 1, dataDirLocked: 2, forced: 130 } as const;

/**
 * One Ctrl-C may arrive more than once (from the terminal to the whole process group, and relayed
 * by npm): a repeat within this many ms is the same request, not a second one.
 */
const REPEATED_SIGNAL_MS = 1000;

// The SDK warns that Node 20 support ends in 2027; the README names Node 22 and why 20 still runs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// CDK's built-in template validation guards a deployment; the local run takes only the state machine
// from the template, and the validation is most of the synthesis (7 of 10 s, 30 s on a busy machine).
process.env.CDK_VALIDATION ??= 'false';
const port = Number(process.env.PORT ?? 8080);

let runtime: EmbeddedRuntime | undefined;
let firstSignalAt: number | undefined;
const onSignal = (signal: NodeJS.Signals) => {
  const now = Date.now();
  if (firstSignalAt === undefined) {
    firstSignalAt = now;
    console.log(`${signal}: stopping (the work in flight first; a second ${signal} forces it)`);
    if (!runtime) return; // still starting: stopped as soon as it has started
    void stop(runtime);
    return;
  }
  if (now - firstSignalAt < REPEATED_SIGNAL_MS) return;
  console.log(`${signal} again: forcing the stop`);
  runtime?.kill();
  process.exit(EXIT.forced);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// Started by another process over IPC (local/runtime-process.ts: a test's or the benchmark's target),
// it stops when that process goes, however it went: nothing is left running behind a killed run.
process.on('disconnect', () => onSignal('SIGTERM'));

async function stop(running: EmbeddedRuntime) {
  try {
    await running.stop();
    console.log('Stopped.');
    process.exit(EXIT.stopped);
  } catch (error) {
    console.error('The runtime did not stop cleanly:', error);
    process.exit(EXIT.failed);
  }
}

try {
  // A DATA_DIR in use is refused at once, before the synthesis and the emulators: taken and given
  // back here, the lock is taken for good by the runtime (local/embedded-runtime.ts).
  if (process.env.DATA_DIR) lockDataDir(process.env.DATA_DIR).release();
  const [{ startEmbeddedRuntime }, { synthesizedStateMachineDefinition }, { seedAtStart }] =
    await Promise.all([
      import('../local/embedded-runtime.ts'),
      import('../lib/synthesize.ts'),
      import('../cli/seed-at-start.ts'),
    ]);
  runtime = await startEmbeddedRuntime({
    port,
    dataDir: process.env.DATA_DIR,
    // The state machine exactly as `cdk synth` makes it.
    stateMachineDefinition: synthesizedStateMachineDefinition(),
  });
  if (firstSignalAt !== undefined) await stop(runtime);
  // Without DATA_DIR the runtime's own temporary folder holds only its lock, the tables are in memory.
  const data = process.env.DATA_DIR
    ? `data in ${runtime.dataDir}`
    : 'tables in memory, gone when it stops; DATA_DIR keeps them';
  console.log(`Batch operations service on ${runtime.url} (${data}). Ctrl-C stops it.`);
  const { users, localIssuer, externalIssuer } = runtime.authenticator;
  console.log(
    users.includes('demo') && process.env.AUTH_USERS === undefined
      ? 'Sign in as demo / demo (every permission; AUTH_USERS and AUTH_ADMIN_USERS change it: docs/security.md).'
      : `Basic users: ${users.join(', ') || 'none'} (AUTH_USERS).`,
  );
  console.log(
    `Bearer tokens: from the local issuer ${localIssuer} (POST ${localIssuer}/token)${externalIssuer ? ` and from ${externalIssuer}` : ''}.`,
  );
  await seedAtStart(process.argv.slice(2), runtime.url);
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(error.message);
    process.exit(EXIT.dataDirLocked);
  }
  console.error(error instanceof ConfigurationError ? error.message : error);
  process.exit(EXIT.failed);
}
