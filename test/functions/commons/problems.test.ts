import { describe, expect, it } from 'vitest';
import { ProblemError, problemOf } from '#commons/problems.ts';
import {
  EngineUnavailableError,
  IdempotencyConflictError,
  InvalidArgumentError,
  InvalidStateError,
  NotFoundError,
  NotSupportedByEngineError,
  TransientEngineError,
  TransientStoreError,
} from '#domain/errors.ts';

describe('problemOf', () => {
  it.each([
    [new InvalidArgumentError('bad'), 400, 'INVALID_ARGUMENT'],
    [new NotFoundError('gone'), 404, 'NOT_FOUND'],
    [new InvalidStateError('not now'), 409, 'INVALID_STATE'],
    [new IdempotencyConflictError('other request'), 422, 'INVALID_ARGUMENT'],
    [new ProblemError(406, 'NOT_ACCEPTABLE', 'no such media type'), 406, 'NOT_ACCEPTABLE'],
    [new EngineUnavailableError('wrong credentials'), 502, 'ENGINE_UNAVAILABLE'],
    [new TransientEngineError('slow down'), 503, 'RESOURCE_EXHAUSTED'],
    [new NotSupportedByEngineError('no such history'), 501, 'NOT_SUPPORTED_BY_ENGINE'],
  ])('maps %s to its status and Camunda title', (error, status, title) => {
    expect(problemOf(error)).toEqual({ status, title });
  });

  it('leaves unexpected errors unmapped, so they become a logged 500', () => {
    expect(problemOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(problemOf(new TransientStoreError('throttled'))).toBeUndefined();
  });
});
