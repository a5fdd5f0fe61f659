import { processIo } from '../cli/io.ts';
import { runCli } from '../cli/program.ts';

/** `batchops`: the command-line tool (cli/). The exit code is the command's; see docs/cli.md. */
process.exitCode = await runCli(process.argv.slice(2), processIo());
