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
  /** 422 where the request is well-formed but cannot be taken as it is (a reused Idempotency-Key). */
  constructor(detail: string, status: 400 | 422 = 400) {
    super(status, 'INVALID_ARGUMENT', detail);
  }
}

export class NotFoundError extends ProblemError {
  constructor(detail: string) {
    super(404, 'NOT_FOUND', detail);
  }
}

/** The request is valid but the resource's current state does not allow it (Camunda: INVALID_STATE). */
export class InvalidStateError extends ProblemError {
  constructor(detail: string) {
    super(409, 'INVALID_STATE', detail);
  }
}

/**
 * A store failure worth trying again (throttling, a server error, a dropped connection), after the
 * client's own retries gave up. Adapters throw it so the domain can tell it from a permanent one.
 */
export class TransientStoreError extends Error {}
