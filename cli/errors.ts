/**
 * What a command can end with besides success, each with its exit code (docs/cli.md lists them):
 * handlers throw these, and only the entry point turns them into `process.exitCode`.
 */
export const EXIT = {
  ok: 0,
  /** A watched batch ended other than COMPLETED, an API error, or a declined confirmation. */
  failed: 1,
  /** Unknown command, type or flag; a bad flag value; a confirmation needed where none can be asked. */
  usage: 2,
  /** The service cannot be reached, or refused the credentials (401/403). */
  unreachable: 3,
  /** Ctrl-C while watching (128 + SIGINT): the batch keeps running. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** An RFC 9457 problem detail as the API sends it. */
export interface ProblemDetail {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
}

/** The API answered with an error status; the message is its problem detail in one line. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetail,
  ) {
    super(problemLine(status, problem), status === 401 || status === 403 ? EXIT.unreachable : EXIT.failed);
  }
}

export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unreachable);
  }
}

/** `404 NOT_FOUND: Batch operation with key '1' not found (GET /v2/batch-operations/1)` */
export function problemLine(status: number, problem: ProblemDetail): string {
  const title = problem.title ?? 'HTTP error';
  const detail = problem.detail ? `: ${problem.detail}` : '';
  const instance = problem.instance ? ` (${problem.instance})` : '';
  return `${problem.status ?? status} ${title}${detail}${instance}`.replace(/\s*\n\s*/g, ' ');
}
