import { createHash } from 'node:crypto';
import { checkLimit, MAX_IDEMPOTENCY_KEY_LENGTH } from '../limits.ts';
import type { CreateBatchRequest } from './create-batch.ts';

/** How long an Idempotency-Key binds its request (as the IETF draft suggests: at least a day). */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

/** Keys are per caller and per operation type, so two callers cannot collide on the same key. */
export function idempotencyScope(request: CreateBatchRequest): string {
  const caller = request.claims.userArn ?? request.claims.sub ?? 'anonymous';
  return `IDEMPOTENCY#${request.batchOperationType}#${String(caller)}#${request.idempotencyKey}`;
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
