import { confirm } from '@inquirer/prompts';
import { Command, CommanderError, Option } from 'commander';
import { ApiClient } from './api-client.ts';
import { COMMANDS, type CommandContext, type CommandSpec, GLOBAL_OPTIONS } from './commands.ts';
import { resolveConnection } from './connection.ts';
import { CliError, EXIT } from './errors.ts';
import { type CliIo, isClosedPipe } from './io.ts';
import type { OptionSpec } from './option-spec.ts';
import { type CommandResult, render } from './render.ts';

export const PROGRAM_NAME = 'batchops';

const DESCRIPTION =
  "Batch operations on workflow process instances, from a terminal or a CI pipeline. Talks to the embedded run (npm start) or a deployment's API URL.";

const EXIT_CODES = `
Exit codes:
  0  success (a watched batch COMPLETED, failed items included unless --fail-on-failed-items)
  1  a watched batch ended PARTIALLY_COMPLETED, FAILED or CANCELED, or COMPLETED with failed items
     under --fail-on-failed-items; an API error; a declined confirmation
  2  usage error (unknown command, type or flag; a bad value, such as a rate below the minimum; --yes needed)
  3  cannot reach or authenticate (connection refused, 401, 403)
  130  Ctrl-C while watching (the batch keeps running)
`;

function optionOf(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse);
  if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
  return option;
}

/** The commander program of the command table: the one source of parsing and `--help`. */
export function buildProgram(
  io: CliIo,
  onRun: (spec: CommandSpec, command: Command, args: string[]) => void,
): Command {
  const helpWidth = Number(io.env.COLUMNS) || io.stdout.columns || 80;
  const program = new Command(PROGRAM_NAME)
    .description(DESCRIPTION)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ helpWidth, showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text),
    });
  for (const spec of GLOBAL_OPTIONS) program.addOption(optionOf(spec));
  program.addHelpText('after', EXIT_CODES);
  const add = (parent: Command, spec: CommandSpec) => {
    const command = parent
      .command(spec.name)
      .description(spec.summary)
      .exitOverride()
      .configureHelp({ helpWidth, showGlobalOptions: true })
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
      });
    for (const argument of spec.args ?? []) command.argument(`<${argument.name}>`, argument.description);
    for (const option of spec.options ?? []) command.addOption(optionOf(option));
    if (spec.examples?.length) {
      command.addHelpText(
        'after',
        `\nExamples:\n${spec.examples.map((example) => `  $ ${example}`).join('\n')}\n`,
      );
    }
    for (const subcommand of spec.subcommands ?? []) add(command, subcommand);
    if (spec.run) {
      command.action((...params: unknown[]) => {
        const self = params[params.length - 1] as Command;
        onRun(spec, self, self.args.slice(0, spec.args?.length ?? 0));
      });
    }
  };
  for (const spec of COMMANDS) add(program, spec);
  return program;
}

/**
 * Runs the CLI on `argv` (without node and script): parses, runs the command, renders its data, and
 * returns the exit code. Errors are one line on stderr; nothing here calls process.exit.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let selected: { spec: CommandSpec; command: Command; args: string[] } | undefined;
  const program = buildProgram(io, (spec, command, args) => {
    selected = { spec, command, args };
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    if (!selected?.spec.run) return EXIT.ok;
    const flags = selected.command.optsWithGlobals();
    const json = flags.json === true;
    const connection = resolveConnection(flags, io.env);
    const context: CommandContext = {
      api: new ApiClient(connection),
      io,
      json,
      confirm: (message) => confirm({ message, default: false }, { output: io.stderr }),
    };
    const result: CommandResult = await selected.spec.run(context, selected.args, flags);
    render(result.output, json, (text) => io.stdout.write(text));
    return result.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander printed its message already (help, unknown command or flag, missing argument).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    io.stderr.write(`${PROGRAM_NAME}: ${error.message}\n`);
    return error.exitCode;
  }
  // The report's stream to stdout rejects when the reader closed the pipe: a quiet end, not a failure.
  if (isClosedPipe(error)) return EXIT.ok;
  if ((error as Error)?.name === 'ExitPromptError') {
    io.stderr.write('Aborted.\n');
    return EXIT.failed;
  }
  io.stderr.write(`${PROGRAM_NAME}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.failed;
}
