import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonTool } from './python-venv.ts';

/**
 * `npm run check:api`: schemathesis, driven by the OpenAPI document the service serves, against a
 * fresh embedded runtime (a free loopback port, a temporary data directory, emulators of its own),
 * stopped afterwards whatever the outcome. Exit code: schemathesis's (0 when every check passed).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Schemathesis's refusals are expected; only what goes wrong in the service is worth a line.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// Only the state machine is taken from the template: cdk-nag's validation would add most of the start.
process.env.CDK_VALIDATION ??= 'false';

const [{ startEmbeddedRuntime }, { synthesizedStateMachineDefinition }] = await Promise.all([
  import('../local/embedded-runtime.ts'),
  import('../lib/synthesize.ts'),
]);
const schemathesis = pythonTool('schemathesis');
const runtime = await startEmbeddedRuntime({
  port: 0,
  stateMachineDefinition: synthesizedStateMachineDefinition(),
});
// Hypothesis keeps a .hypothesis folder in its working directory: a temporary one, not the repository.
const workDir = mkdtempSync(join(tmpdir(), 'check-api-'));
let exitCode = 1;
try {
  console.error(`Embedded runtime on ${runtime.url} (data in ${runtime.dataDir})`);
  exitCode = await run(schemathesis, workDir, [
    // The seed, the example budget, every check, and the per-operation settings.
    '--config-file',
    fileURLToPath(new URL('schemathesis.toml', import.meta.url)),
    'run',
    `${runtime.url}/v2/extensions/openapi.json`,
    '--auth',
    'demo:demo',
  ]);
} finally {
  await runtime.stop();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);

/** Runs a command in `cwd` with this terminal and resolves to its exit code; a signal here is passed on to it. */
function run(command: string, cwd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
