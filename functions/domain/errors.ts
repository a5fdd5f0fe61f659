/**
 * The domain's refusals, by kind. They carry no HTTP status: the API maps each kind to its status and
 * Camunda's problem title in one place (functions/commons/problems.ts).
 */

/** The request is invalid as it is: a field, a filter, a plan. */
export class InvalidArgumentError extends Error {}

/** The named resource does not exist. */
export class NotFoundError extends Error {}

/** The request is valid but the resource's current state does not allow it. */
export class InvalidStateError extends Error {}

/** The request repeats an Idempotency-Key that was first used with a different request. */
export class IdempotencyConflictError extends Error {}

/**
 * A store failure worth trying again (throttling, a server error, a dropped connection), after the
 * client's own retries gave up. Adapters throw it so the domain can tell it from a permanent one.
 */
export class TransientStoreError extends Error {}

/** The caller lacks the permission the request needs (Camunda's 403 FORBIDDEN). */
export class ForbiddenError extends Error {}

/**
 * The configured engine could not take the work now: unreachable, timed out, or answering "slow down"
 * (429, 503 RESOURCE_EXHAUSTED) beyond the caller's patience. Nothing was lost: the items not yet
 * reported stay pending and are tried again.
 */
export class TransientEngineError extends Error {}

/**
 * The configured engine refused the service itself (wrong credentials, no such cluster): no request
 * can succeed until its configuration is fixed. The API answers it as a problem naming the engine.
 */
export class EngineUnavailableError extends Error {}

/** The configured engine has no way to answer the request at all (a read its API does not offer). */
export class NotSupportedByEngineError extends Error {}
