import { InvalidArgumentError, NotFoundError } from '#domain/errors.ts';
import { isKey } from '#domain/keys.ts';
import { type HttpEvent, pathParameter } from './http.ts';

/** A key path parameter (a string of digits), or 400 naming it. */
export function keyParameter(event: HttpEvent, name: string): string {
  const key = pathParameter(event, name);
  if (!isKey(key)) throw new InvalidArgumentError(`${name} must be a key (a string of digits), got '${key}'`);
  return key;
}

const notFound = (what: string, key: string) => new NotFoundError(`${what} with key '${key}' not found`);

/**
 * A key path parameter that names a record, or 404 naming it: a key of any other shape (Camunda's keys
 * are strings; older batches have UUIDs) names nothing here, so it is unknown rather than invalid.
 */
export function knownKeyParameter(event: HttpEvent, name: string, what: string): string {
  const key = pathParameter(event, name);
  if (!isKey(key)) throw notFound(what, key);
  return key;
}

/** The record a read's key path parameter names (`read` it), or 404 as `knownKeyParameter`. */
export async function foundByKey<T>(
  event: HttpEvent,
  name: string,
  what: string,
  read: (key: string) => Promise<T | undefined>,
): Promise<T> {
  const key = knownKeyParameter(event, name, what);
  const found = await read(key);
  if (found === undefined) throw notFound(what, key);
  return found;
}

/** A batch operation key path parameter: 404 for one of any shape that names no batch. */
export const batchKeyParameter = (event: HttpEvent) =>
  knownKeyParameter(event, 'batchOperationKey', 'Batch operation');
