import type { PermissionType } from '#domain/authorization/permissions.ts';
import { InvalidArgumentError, NotFoundError } from '#domain/errors.ts';
import { isKey } from '#domain/keys.ts';
import { visibleTo } from './authorization.ts';
import { type HttpEvent, pathParameter } from './http.ts';
import { engine } from './services.ts';

/** A key path parameter (a string of digits), or 400 naming it. */
export function keyParameter(event: HttpEvent, name: string): string {
  const key = pathParameter(event, name);
  if (!isKey(key)) throw new InvalidArgumentError(`${name} must be a key (a string of digits), got '${key}'`);
  return key;
}

/**
 * Whether a path parameter has the shape of a key of the engine's records: a string of digits, or on
 * a Camunda 7 engine, whose records the read routes name by its string ids (`order:2:…`, UUIDs), any id.
 */
const isEngineKey = (key: string) => (engine().kind === 'camunda7' ? key.length > 0 : isKey(key));

/** A key path parameter of the engine's records (see isEngineKey), or 400 naming it. */
export function engineKeyParameter(event: HttpEvent, name: string): string {
  const key = pathParameter(event, name);
  if (!isEngineKey(key))
    throw new InvalidArgumentError(`${name} must be a key (a string of digits), got '${key}'`);
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

/**
 * As `foundByKey`, for an engine's record of a process definition (its key of the engine's shape, see
 * isEngineKey): one the caller may not read under the permission is the same 404, word for word, as an
 * unknown key, so that keys are no existence oracle.
 */
export async function readableByKey<T extends { processDefinitionId: string; tenantId: string }>(
  event: HttpEvent,
  name: string,
  what: string,
  permission: PermissionType,
  read: (key: string) => Promise<T | undefined>,
): Promise<T> {
  const key = pathParameter(event, name);
  const found = isEngineKey(key) ? await read(key) : undefined;
  if (found === undefined || !visibleTo(event, permission)(found)) throw notFound(what, key);
  return found;
}
