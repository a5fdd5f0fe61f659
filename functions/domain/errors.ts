/**
 * Errors the API turns into RFC 9457 problem details. `title` follows Camunda 8's problem titles.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

export class InvalidArgumentError extends ProblemError {
  constructor(detail: string) {
    super(400, 'INVALID_ARGUMENT', detail);
  }
}

export class NotFoundError extends ProblemError {
  constructor(detail: string) {
    super(404, 'NOT_FOUND', detail);
  }
}

/** The command does not fit the entity's state (Camunda's rejection type INVALID_STATE, a 409). */
export class InvalidStateError extends ProblemError {
  constructor(detail: string) {
    super(409, 'INVALID_STATE', detail);
  }
}
