import { createHash } from 'node:crypto';
import { checkLimit, MAX_IDEMPOTENCY_KEY_LENGTH } from '../limits.ts';
import type { CreateBatchRequest } from './create-batch.ts';

/** How long an Idempotency-Key binds its request (as the IETF draft suggests: at least a day). */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Keys are per verified caller (the actor authentication named: a client by its client id, a user by
 * its name) and per operation type, so two callers cannot collide on the same key, even with tokens
 * that carry no `sub`.
 */
export function idempotencyScope(request: CreateBatchRequest): string {
  if (!request.actor)
    throw new Error('An Idempotency-Key is scoped by its caller: the request names no actor');
  const { actorType, actorId } = request.actor;
  return `IDEMPOTENCY#${request.batchOperationType}#${actorType}#${actorId}#${request.idempotencyKey}`;
}

export function requestHash(request: CreateBatchRequest): string {
  const { batchOperationType, items, controls, parameters } = request;
  return createHash('sha256')
    .update(JSON.stringify({ batchOperationType, items, controls, parameters }))
    .digest('base64url');
}

/** An Idempotency-Key is part of a record's key: at most MAX_IDEMPOTENCY_KEY_LENGTH characters. */
export function validateIdempotencyKey(key: string | undefined): void {
  if (key) checkLimit('Idempotency-Key', key.length, MAX_IDEMPOTENCY_KEY_LENGTH, 'characters');
}
