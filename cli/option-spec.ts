import { UsageError } from './errors.ts';

/**
 * A flag as the command table declares it; the program (cli/program.ts) turns it into a commander
 * option, so `--help`, parsing and docs/cli.md come from one declaration.
 */
export interface OptionSpec {
  /** Commander flags, e.g. `--retries <n>`, `--var <name=value...>`, `--yes`. */
  readonly flags: string;
  readonly description: string;
  /** Turns the flag's text into its value (throwing a UsageError); for repeatable flags, collects. */
  readonly parse?: (value: string, previous: unknown) => unknown;
  readonly defaultValue?: unknown;
  /** Allowed values, shown in help and checked by commander. */
  readonly choices?: readonly string[];
}

export function integerArg(flag: string, minimum = 0) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || parsed < minimum) {
      throw new UsageError(`${flag} must be an integer of at least ${minimum}, got '${value}'`);
    }
    return parsed;
  };
}

export function numberArg(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
      throw new UsageError(`${flag} must be a positive number, got '${value}'`);
    }
    return parsed;
  };
}

export function jsonArg(flag: string) {
  return (value: string): unknown => {
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new UsageError(`${flag} must be JSON: ${(error as Error).message}`);
    }
  };
}

/** A repeatable flag: each occurrence is appended. */
export function collect(value: string, previous: unknown): string[] {
  return [...((previous as string[] | undefined) ?? []), value];
}

/** `name=value` pairs of a repeatable flag, split at the first `=`. */
export function pairs(flag: string, values: readonly string[] | undefined): [string, string][] {
  return (values ?? []).map((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes name=value, got '${entry}'`);
    return [entry.slice(0, at), entry.slice(at + 1)];
  });
}

/** A value from the command line as JSON: `42`, `true`, `"x"`, `{...}` as written, anything else as a string. */
export function looseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
