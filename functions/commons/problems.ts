import {
  EngineUnavailableError,
  ForbiddenError,
  IdempotencyConflictError,
  InvalidArgumentError,
  InvalidStateError,
  NotFoundError,
  NotSupportedByEngineError,
  TransientEngineError,
} from '#domain/errors.ts';

/** A refusal of the HTTP layer itself (a method, a media type, credentials), with its status and title. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    /** Response headers the refusal needs (a 401's `WWW-Authenticate`). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }
}

/**
 * The one mapping from errors to RFC 9457 problems: the domain's refusals to their HTTP status and
 * Camunda 8's problem title; undefined for an unexpected error (a 500).
 */
export function problemOf(error: unknown): { status: number; title: string } | undefined {
  if (error instanceof ProblemError) return { status: error.status, title: error.title };
  if (error instanceof InvalidArgumentError) return { status: 400, title: 'INVALID_ARGUMENT' };
  if (error instanceof ForbiddenError) return { status: 403, title: 'FORBIDDEN' };
  if (error instanceof NotFoundError) return { status: 404, title: 'NOT_FOUND' };
  if (error instanceof InvalidStateError) return { status: 409, title: 'INVALID_STATE' };
  // Well-formed but not acceptable as it is: the key is bound to another request (IETF idempotency draft).
  if (error instanceof IdempotencyConflictError) return { status: 422, title: 'INVALID_ARGUMENT' };
  // The configured engine refused the service (its credentials, its address): a gateway's failure.
  if (error instanceof EngineUnavailableError) return { status: 502, title: 'ENGINE_UNAVAILABLE' };
  // The engine asked to slow down or could not be reached for now: try again later (Camunda's 503).
  if (error instanceof TransientEngineError) return { status: 503, title: 'RESOURCE_EXHAUSTED' };
  // As a route the configured engine cannot serve (engine-routes.ts), for one read it cannot answer.
  if (error instanceof NotSupportedByEngineError) return { status: 501, title: 'NOT_SUPPORTED_BY_ENGINE' };
  return undefined;
}
