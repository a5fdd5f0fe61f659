// Runs the fauxqs SQS emulator as its own process (logging off), so its event loop never competes
// with the service's. The port comes as the first argument.
import { startFauxqs } from 'fauxqs';

const port = Number(process.argv[2]);
await startFauxqs({ port, host: '127.0.0.1', logger: false });
process.on('SIGTERM', () => process.exit(0));
// Ctrl-C reaches the whole process group: the runtime stops this emulator itself (SIGTERM), last.
process.on('SIGINT', () => undefined);
process.on('disconnect', () => process.exit(0));
