import type { ItemErrorClass } from '#domain/operations/operation-handler.ts';

/** What one answer of the Camunda 7 REST API means for the call that got it. */
export type EngineAnswer =
  | { kind: 'ok'; body: unknown }
  /** The engine refused the item: it keeps its own message. */
  | { kind: 'refused'; status: number; detail: string; errorClass: ItemErrorClass }
  /** The engine refused the service itself (its credentials or its rights): nothing succeeds until fixed. */
  | { kind: 'unavailable'; status: number; detail: string }
  /** Worth trying again: the engine was busy, a transaction collided, or no answer came. */
  | { kind: 'transient'; detail: string };

/** The engine's own message: Camunda 7's error body is `{type, message}`. */
function messageOf(status: number, body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return `HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 500)}` : ''}`;
}

function typeOf(body: unknown): string | undefined {
  return body && typeof body === 'object' && 'type' in body && typeof body.type === 'string'
    ? body.type
    : undefined;
}

/**
 * Exception types of a 500 that say the engine's database failed the call, not that the engine refused
 * the item: OptimisticLockingException is a collision with a concurrent change; the rest are faults of
 * the persistence layer (MyBatis, Spring's JDBC) that Camunda 7's REST API answers as a plain 500.
 */
const PERSISTENCE_FAULT_TYPES = new Set([
  'OptimisticLockingException',
  'CrdbTransactionRetryException',
  'PersistenceException',
  'CannotGetJdbcConnectionException',
  'CannotCreateTransactionException',
  'TransactionSystemException',
  'SQLTransientException',
  'SQLRecoverableException',
]);

/**
 * What a 500's message shows of a database or connection fault, whatever exception wraps it (the
 * engine wraps most in a ProcessEngineException: "### Error querying database. Cause: …"): a closed
 * database (an engine stopping), a connection that could not be had or was lost, a lock wait or
 * deadlock. Constraint violations and the engine's own refusals match none of these.
 */
const PERSISTENCE_FAULT_MESSAGE =
  /Database is already closed|JdbcSQLNonTransientConnectionException|SQLTransient\w*Exception|SQLRecoverableException|Could not open JDBC Connection|Could not get JDBC Connection|Connection is closed|Connection refused|Communications link failure|connection (?:was )?(?:reset|closed|terminated)|Timeout trying to lock table|Lock wait timeout|[Dd]eadlock/;

/**
 * Whether a 500 of Camunda 7's REST API is a fault of the engine's database (transient: the same call
 * may pass once the database is back or the collision is over) rather than the engine's refusal.
 */
export function isPersistenceFault(type: string | undefined, message: string): boolean {
  return (type !== undefined && PERSISTENCE_FAULT_TYPES.has(type)) || PERSISTENCE_FAULT_MESSAGE.test(message);
}

/**
 * Decides, in one place, what an answer of the engine means. Camunda 7 maps its exceptions to statuses
 * (NotFound 404, NotValid and BadUserRequest 400, Authorization 403) and answers 500 for the rest of
 * its ProcessEngineExceptions, which are refusals with a reason (e.g. "has no active instance")
 * except faults of its database (isPersistenceFault), which a retry resolves.
 * `call` says whose call it was: a 403 on an item is that item's, on a query it is the service's.
 */
export function classifyEngineAnswer(status: number, body: unknown, call: 'item' | 'service'): EngineAnswer {
  if (status >= 200 && status < 300) return { kind: 'ok', body };
  const detail = messageOf(status, body);
  const type = typeOf(body);
  if (status === 401 || (status === 403 && call === 'service'))
    return { kind: 'unavailable', status, detail };
  if (status === 429 || status === 502 || status === 503 || status === 504)
    return { kind: 'transient', detail };
  if (status >= 500 && (type === undefined || isPersistenceFault(type, detail))) {
    return { kind: 'transient', detail };
  }
  const errorClass: ItemErrorClass =
    status === 404 ? 'NOT_FOUND' : status === 403 ? 'NOT_AUTHORIZED' : 'INVALID_STATE';
  return { kind: 'refused', status, detail, errorClass };
}
