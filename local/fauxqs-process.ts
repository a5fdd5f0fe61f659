// Runs the fauxqs SQS emulator as its own process (logging off), so its event loop never competes
// with the service's. The port comes as the first argument.
import { buildApp } from 'fauxqs';

const port = Number(process.argv[2]);
// fauxqs's own startFauxqs listens on every interface (its `host` only names the queue URLs' host):
// its app, listened to here, takes connections on loopback only.
const app = buildApp({ logger: false, host: '127.0.0.1' });
await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => process.exit(0));
// Ctrl-C reaches the whole process group: the runtime stops this emulator itself (SIGTERM), last.
process.on('SIGINT', () => undefined);
process.on('disconnect', () => process.exit(0));
