import { endQuietlyOnClosedPipe, processIo } from '../cli/io.ts';
import { runCli } from '../cli/program.ts';

// `| head` closes stdout early: the command stops there with 0 (nothing left to write has a reader).
endQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));

/** `batchops`: the command-line tool (cli/). The exit code is the command's; see docs/cli.md. */
process.exitCode = await runCli(process.argv.slice(2), processIo());
